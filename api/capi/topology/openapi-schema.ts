import { joinPath, type IssueLog, type ObjectKey } from '../mapping/issues.ts';

/**
 * Formats Capstan checks as the API server does; any other format is reported and not checked.
 * (`password` and the numeric hints int32/int64/float/double constrain nothing in Kubernetes either.)
 */
export const checkedFormats = new Set(['email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'byte', 'date', 'date-time']);
const hintFormats = new Set(['password', 'int32', 'int64', 'float', 'double']);

// Keywords with the same meaning in Kubernetes' OpenAPI v3 subset and in JSON Schema.
const sameKeywords = new Set([
  'type',
  'enum',
  'default',
  'required',
  'maxLength',
  'minLength',
  'pattern',
  'maximum',
  'minimum',
  'multipleOf',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'description',
]);
// Documentation only.
const ignoredKeywords = new Set(['example', 'x-metadata', 'title']);

type Schema = Record<string, unknown>;

const isRecord = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Translates one ClusterClass variable's `openAPIV3Schema` (Kubernetes' structural subset of
 * OpenAPI v3) into the JSON Schema ajv checks, so values are judged as the API server would judge
 * them: unknown fields are errors unless `x-kubernetes-preserve-unknown-fields`, `nullable` admits
 * null, boolean `exclusiveMaximum`/`exclusiveMinimum` become their JSON Schema numbers. CEL rules
 * (`x-kubernetes-validations`) and keywords outside the subset are refused, naming the keyword.
 */
export function toJsonSchema(node: unknown, object: ObjectKey, path: string, log: IssueLog): Schema | undefined {
  if (!isRecord(node)) {
    log.errors.push({ object, path, message: 'must be a schema object' });
    return undefined;
  }
  const out: Schema = {};
  let ok = true;
  const sub = (value: unknown, at: string): Schema | undefined => {
    const converted = toJsonSchema(value, object, at, log);
    if (!converted) ok = false;
    return converted;
  };
  for (const [key, value] of Object.entries(node)) {
    const at = joinPath(path, key);
    if (sameKeywords.has(key)) out[key] = value;
    else if (ignoredKeywords.has(key)) continue;
    else if (key === 'nullable' || key === 'x-kubernetes-preserve-unknown-fields' || key === 'x-kubernetes-int-or-string') continue;
    else if (key === 'exclusiveMaximum' || key === 'exclusiveMinimum') {
      const bound = key === 'exclusiveMaximum' ? node.maximum : node.minimum;
      if (typeof value !== 'boolean' || typeof bound !== 'number') {
        log.errors.push({
          object,
          path: at,
          message: `must be true or false beside ${key === 'exclusiveMaximum' ? 'maximum' : 'minimum'}`,
        });
        ok = false;
      }
    } else if (key === 'format') {
      if (typeof value === 'string' && checkedFormats.has(value)) out.format = value;
      else if (typeof value === 'string' && hintFormats.has(value)) continue;
      else log.warnings.push({ object, path: at, message: `${String(value)} is not checked by Capstan: values are accepted without it` });
    } else if (key === 'properties') {
      if (!isRecord(value)) {
        log.errors.push({ object, path: at, message: 'must map field names to schemas' });
        ok = false;
        continue;
      }
      out.properties = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, sub(schema, joinPath(at, name))]));
    } else if (key === 'items' || key === 'not') {
      out[key] = sub(value, at);
    } else if (key === 'additionalProperties') {
      out[key] = typeof value === 'boolean' ? value : sub(value, at);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      if (!Array.isArray(value)) {
        log.errors.push({ object, path: at, message: 'must be a list of schemas' });
        ok = false;
        continue;
      }
      out[key] = value.map((branch, i) => sub(branch, joinPath(at, i)));
    } else if (key === 'x-kubernetes-validations') {
      log.errors.push({
        object,
        path: at,
        message: 'CEL validation rules are not supported by Capstan; express the rule with schema keywords',
      });
      ok = false;
    } else {
      log.errors.push({ object, path: at, message: `${key} is not supported in a variable schema by Capstan` });
      ok = false;
    }
  }
  if (node.exclusiveMaximum === true && typeof node.maximum === 'number') {
    out.exclusiveMaximum = node.maximum;
    delete out.maximum;
  }
  if (node.exclusiveMinimum === true && typeof node.minimum === 'number') {
    out.exclusiveMinimum = node.minimum;
    delete out.minimum;
  }
  if (node['x-kubernetes-int-or-string'] === true && out.type === undefined) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  // Kubernetes prunes (and CAPI refuses) fields an object schema does not declare.
  if (out.type === 'object' && node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true)
    out.additionalProperties = false;
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return ok ? out : undefined;
}
