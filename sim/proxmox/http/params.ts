// PVE's JSONSchema checks, rebuilt on zod so each failure carries PVE's own wording
// (PVE::JSONSchema::check_type / check_format / validate).
import { z } from 'zod';
import { paramError } from './pve-error.ts';

/** Raw request parameters after decoding: every value is a string, as PVE sees form data. */
export type RawParams = Readonly<Record<string, string>>;

type CheckResult<T> = { ok: true; value: T } | { ok: false; message: string };
type Check<T> = (raw: string) => CheckResult<T>;

const missing = 'property is missing and it is not optional';
const notInSchema = 'property is not defined in schema and the schema does not allow additional properties';

function fromCheck<T>(check: Check<T>, isOptional: boolean) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T | undefined => {
      if (raw === undefined) {
        if (isOptional) return undefined;
        ctx.addIssue(missing);
        return z.NEVER;
      }
      const result = check(raw);
      if (!result.ok) {
        ctx.addIssue(result.message);
        return z.NEVER;
      }
      return result.value;
    });
}

/** A required parameter. */
export function required<T>(check: Check<T>) {
  return fromCheck(check, false).transform((value) => value as T);
}

/** An optional parameter: absent stays `undefined`. */
export function optional<T>(check: Check<T>) {
  return fromCheck(check, true);
}

/** `type => 'integer'` with optional bounds. */
export function int(bounds: { min?: number; max?: number } = {}): Check<number> {
  return (raw) => {
    if (!/^-?\d+$/.test(raw)) return { ok: false, message: `type check ('integer') failed - got '${raw}'` };
    const value = Number(raw);
    if (bounds.min !== undefined && value < bounds.min) return { ok: false, message: `value must have a minimum value of ${bounds.min}` };
    if (bounds.max !== undefined && value > bounds.max) return { ok: false, message: `value must have a maximum value of ${bounds.max}` };
    return { ok: true, value };
  };
}

/** `type => 'boolean'`: PVE accepts 1/0, true/false, yes/no, on/off. */
export function bool(): Check<boolean> {
  return (raw) => {
    if (/^(1|true|yes|on)$/i.test(raw)) return { ok: true, value: true };
    if (/^(0|false|no|off)$/i.test(raw)) return { ok: true, value: false };
    return { ok: false, message: `type check ('boolean') failed - got '${raw}'` };
  };
}

/** `type => 'string'` with PVE's optional enum, pattern, maxLength and format checks. */
export function str(
  rules: { enum?: readonly string[]; pattern?: RegExp; maxLength?: number; format?: (raw: string) => string | undefined } = {},
): Check<string> {
  return (raw) => {
    if (rules.maxLength !== undefined && raw.length > rules.maxLength) {
      return { ok: false, message: `value may only be ${rules.maxLength} characters long` };
    }
    if (rules.enum && !rules.enum.includes(raw)) {
      return { ok: false, message: `value '${raw}' does not have a value in the enumeration '${rules.enum.join(', ')}'` };
    }
    if (rules.pattern && !new RegExp(`^(?:${rules.pattern.source})$`).test(raw)) {
      return { ok: false, message: 'value does not match the regex pattern' };
    }
    const formatError = rules.format?.(raw);
    if (formatError !== undefined) return { ok: false, message: `invalid format - ${formatError}` };
    return { ok: true, value: raw };
  };
}

/** The parameter map of one API method. */
export type ParamShape = Record<string, z.ZodType<unknown, string | undefined>>;

/** Validates raw parameters like PVE's `validate` (all errors at once) and returns typed values. */
export function validateParams<S extends ParamShape>(shape: S, raw: RawParams): z.output<z.ZodObject<S>> {
  const errors: Record<string, string> = {};
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(shape, key)) errors[key] = notInSchema;
  }
  const parsed = z.object(shape).safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      errors[key] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) throw paramError(errors);
  return parsed.data;
}
