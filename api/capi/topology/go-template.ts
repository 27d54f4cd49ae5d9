import { parse as parseYaml } from 'yaml';

/** A template Capstan cannot render exactly, with the reason; the caller names the field. */
export interface TemplateRefusal {
  readonly refused: string;
}

// `{{ .a.b }}`, optionally with Go's whitespace-trimming markers `{{- ` and ` -}}`.
const action = /\{\{(-\s)?\s*(.*?)\s*(\s-)?\}\}/gs;
const fieldChain = /^\.[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Go's `%v` of a float64, which is what a JSON number becomes in a Go template: the shortest digits,
 * in exponent form (`1e+06`) from a million up and below 0.0001.
 */
export function goFloat(value: number): string {
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(value);
}

/** Why Capstan cannot render `template` whatever the data, or undefined when its syntax is in the subset. */
export function templateSyntaxRefusal(template: string): TemplateRefusal | undefined {
  let rest = template;
  for (const match of template.matchAll(action)) {
    const body = match[2] ?? '';
    if (!fieldChain.test(body)) return unsupportedAction(body);
    rest = rest.replace(match[0], '');
  }
  return rest.includes('{{') ? { refused: 'has an unclosed {{' } : undefined;
}

const unsupportedAction = (body: string): TemplateRefusal => ({
  refused: `{{ ${body} }} is not supported by Capstan: only {{ .variable }} and {{ .builtin.cluster.name }}-style interpolation is`,
});

// A missing last key: Go prints `<no value>` for a map key that is absent.
const noValue = Symbol('no value');

function lookup(data: unknown, chain: string): unknown {
  let node = data;
  const keys = chain.slice(1).split('.');
  for (const [i, key] of keys.entries()) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    if (!Object.hasOwn(node, key)) return i === keys.length - 1 ? noValue : undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function printed(value: unknown, chain: string, missing: MissingValue): string | TemplateRefusal {
  if (value === noValue && missing === 'go') return '<no value>';
  if (value === noValue) return { refused: `{{ ${chain} }} names no variable that is set` };
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return goFloat(value);
  if (value === undefined) return { refused: `{{ ${chain} }} reads a field of a value that is not set` };
  return {
    refused: `{{ ${chain} }} is ${value === null ? 'null' : 'an object or a list'}, which a Go template prints in Go's own syntax; use valueFrom.variable to copy it`,
  };
}

/**
 * What an unset variable renders to: `go` prints `<no value>` as Go does (right for `enabledIf`,
 * where it means false); `refuse` reports it (a patch value of `<no value>` is never meant).
 */
export type MissingValue = 'go' | 'refuse';

/**
 * Renders the subset of Go's text/template Capstan evaluates exactly: text with `{{ .path.to.value }}`
 * actions printing scalars. Pipelines, functions, `if`/`range`/`with`, variables and comments are
 * refused rather than guessed at.
 */
export function renderTemplate(template: string, data: unknown, missing: MissingValue = 'refuse'): string | TemplateRefusal {
  let out = '';
  let last = 0;
  for (const match of template.matchAll(action)) {
    const [whole, trimLeft, body = '', trimRight] = match;
    let text = template.slice(last, match.index);
    if (trimLeft) text = text.trimEnd();
    out += text;
    if (!fieldChain.test(body)) return unsupportedAction(body);
    const value = printed(lookup(data, body), body, missing);
    if (typeof value !== 'string') return value;
    out += value;
    last = match.index + whole.length;
    if (trimRight) {
      const rest = template.slice(last);
      last += rest.length - rest.trimStart().length;
    }
  }
  const tail = template.slice(last);
  if (tail.includes('{{')) return { refused: 'has an unclosed {{' };
  return out + tail;
}

/** The JSON a rendered template stands for: CAPI reads it as YAML (1.1, as Go's YAML library does), so `3` is a number. */
export function renderedValue(text: string): unknown {
  return parseYaml(text, { version: '1.1' }) as unknown;
}
