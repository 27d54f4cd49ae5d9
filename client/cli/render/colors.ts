/** The few styles the CLI uses; identity functions when colour is off. */
export interface Palette {
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const style =
  (open: number, close: number) =>
  (text: string): string =>
    text === '' ? text : `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string): string => text;

/** ANSI styles, or none (pipes, NO_COLOR, tests). */
export function palette(enabled: boolean): Palette {
  if (!enabled) return { red: plain, yellow: plain, green: plain, cyan: plain, dim: plain, bold: plain };
  return { red: style(31, 39), yellow: style(33, 39), green: style(32, 39), cyan: style(36, 39), dim: style(2, 22), bold: style(1, 22) };
}

// eslint-disable-next-line no-control-regex -- matching ANSI escapes is the point
const ansi = /\x1b\[[0-9;]*m/g;

/** The text without ANSI styles. */
export const stripAnsi = (text: string): string => text.replace(ansi, '');

/** How many columns the text takes on a terminal. */
export const visibleLength = (text: string): number => Array.from(stripAnsi(text)).length;

/** Colour on a TTY unless NO_COLOR is set or TERM is dumb; FORCE_COLOR forces it. */
export function wantsColor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY === true && env['TERM'] !== 'dumb';
}
