import { cloneJson, isJsonObject, jsonEqual, toPointer, type JsonObject, type JsonValue } from './json-value.ts';

/** Why a strategic merge failed, and where (a JSON pointer into the document). */
export class StrategicMergeError extends Error {
  constructor(
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`${pointer || '/'}: ${reason}`);
    this.name = 'StrategicMergeError';
  }
}

/**
 * Where a document deviates from "lists are appended": Talos' `merge:"replace"` struct tags and
 * its custom Merge methods (v1alpha1_types.go, network and extension types). `*` is any list item.
 */
export interface MergeRules {
  /** Lists replaced instead of appended, and mappings replaced instead of merged. */
  readonly replace: readonly string[];
  /** Lists whose items are matched by one of these keys and merged; unmatched items are appended. */
  readonly keyed: Readonly<Record<string, readonly string[]>>;
}

/** The v1alpha1 document's rules, from Talos' patching guide and type definitions. */
export const v1alpha1MergeRules: MergeRules = {
  replace: ['cluster.network.podSubnets', 'cluster.network.serviceSubnets', 'cluster.apiServer.auditPolicy'],
  keyed: {
    'machine.network.interfaces': ['interface', 'deviceSelector'],
    'machine.network.interfaces.*.vlans': ['vlanId'],
    'cluster.apiServer.admissionControl': ['name'],
  },
};

/** Rules of the other documents Talos merges specially; any other kind just appends lists. */
export const documentMergeRules: Readonly<Record<string, MergeRules>> = {
  ExtensionServiceConfig: { replace: [], keyed: { configFiles: ['mountPath'] } },
};

type Path = (string | number)[];
const ruleKey = (path: Path): string => path.map((part) => (typeof part === 'number' ? '*' : part)).join('.');
const isDelete = (value: JsonValue | undefined): boolean => isJsonObject(value) && value.$patch === 'delete';
const kindOf = (value: JsonValue | undefined): string =>
  value === undefined ? 'nothing' : Array.isArray(value) ? 'a list' : isJsonObject(value) ? 'a mapping' : typeof value;

function checkDirective(patch: JsonObject, path: Path): void {
  if (patch.$patch !== undefined && patch.$patch !== 'delete') {
    throw new StrategicMergeError(toPointer(path), `unsupported $patch directive ${JSON.stringify(patch.$patch)}`);
  }
}

function mergeKeyedList(left: JsonValue[], right: JsonValue[], keys: readonly string[], rules: MergeRules, path: Path): void {
  for (const item of right) {
    if (!isJsonObject(item)) throw new StrategicMergeError(toPointer(path), `list items must be mappings, got ${kindOf(item)}`);
    const key = keys.find((candidate) => item[candidate] !== undefined);
    const index = key === undefined ? -1 : left.findIndex((existing) => isJsonObject(existing) && jsonEqual(existing[key], item[key]));
    if (isDelete(item)) {
      if (index < 0) throw new StrategicMergeError(toPointer(path), `$patch: delete matched no item by ${keys.join(' or ')}`);
      left.splice(index, 1);
    } else if (index >= 0) {
      left[index] = mergeValue(left[index], item, rules, [...path, index]) ?? null;
    } else {
      left.push(mergeValue(undefined, item, rules, [...path, left.length]) ?? null);
    }
  }
}

function mergeList(left: JsonValue | undefined, right: JsonValue[], rules: MergeRules, path: Path): JsonValue {
  if (left !== undefined && left !== null && !Array.isArray(left)) {
    throw new StrategicMergeError(toPointer(path), `cannot merge a list into ${kindOf(left)}`);
  }
  const key = ruleKey(path);
  if (rules.replace.includes(key)) return cloneJson(right);
  const result = left ?? [];
  const keyedBy = rules.keyed[key];
  if (keyedBy !== undefined) {
    mergeKeyedList(result, right, keyedBy, rules, path);
    return result;
  }
  for (const item of right) {
    if (isDelete(item)) {
      throw new StrategicMergeError(toPointer(path), '$patch: delete needs a list merged by key (this list is appended to)');
    }
    result.push(mergeValue(undefined, item, rules, [...path, result.length]) ?? null);
  }
  return result;
}

function mergeMapping(left: JsonValue | undefined, right: JsonObject, rules: MergeRules, path: Path): JsonValue {
  if (left !== undefined && left !== null && !isJsonObject(left)) {
    throw new StrategicMergeError(toPointer(path), `cannot merge a mapping into ${kindOf(left)}`);
  }
  checkDirective(right, path);
  if (rules.replace.includes(ruleKey(path)) && Object.keys(right).length > 0) return cloneJson(right);
  const result = left ?? {};
  for (const [key, value] of Object.entries(right)) {
    if (key === '$patch') continue;
    if (isDelete(value)) {
      if (!Object.hasOwn(result, key)) throw new StrategicMergeError(toPointer([...path, key]), '$patch: delete found nothing to delete');
      Reflect.deleteProperty(result, key);
    } else {
      const merged = mergeValue(result[key], value, rules, [...path, key]);
      if (merged !== undefined) result[key] = merged;
    }
  }
  return result;
}

function mergeValue(left: JsonValue | undefined, right: JsonValue, rules: MergeRules, path: Path): JsonValue | undefined {
  if (right === null) return left;
  if (Array.isArray(right)) return mergeList(left, right, rules, path);
  if (isJsonObject(right)) return mergeMapping(left, right, rules, path);
  if (Array.isArray(left) || isJsonObject(left)) {
    throw new StrategicMergeError(toPointer(path), `cannot replace ${kindOf(left)} with ${kindOf(right)}`);
  }
  // Talos decodes patches into Go structs, where an empty string or 0 is "unset": it never overrides.
  if (right === '' || right === 0) return left ?? right;
  return right;
}

/**
 * Merges a strategic patch document into a config document in place, the way Talos does: scalars
 * override (but '' and 0 do not, booleans always do), mappings merge, lists append except where
 * `rules` replace them or match items by key, and `$patch: delete` removes a key or a keyed item.
 */
export function strategicMerge(target: JsonObject, patch: JsonObject, rules: MergeRules): void {
  mergeMapping(target, patch, rules, []);
}
