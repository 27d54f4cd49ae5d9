import { cloneJson, isJsonObject, jsonEqual, type JsonValue } from './json-value.ts';

/** An RFC 6902 operation after shape checks. */
export interface JsonPatchOp {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly from?: string;
  readonly value?: JsonValue;
}

/** Why an operation did not apply, and at which pointer. */
export class JsonPatchError extends Error {
  constructor(
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`${pointer}: ${reason}`);
    this.name = 'JsonPatchError';
  }
}

/** Splits an RFC 6901 pointer into unescaped reference tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(pointer, 'a JSON pointer must be empty or start with /');
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function arrayIndex(array: JsonValue[], token: string, pointer: string, forAdd: boolean): number {
  if (forAdd && token === '-') return array.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new JsonPatchError(pointer, `${JSON.stringify(token)} is not an array index`);
  const index = Number(token);
  if (index > array.length || (!forAdd && index === array.length)) {
    throw new JsonPatchError(pointer, `index ${index} is out of range (length ${array.length})`);
  }
  return index;
}

/** The container holding the pointer's target, and the target's last token. */
function locate(document: JsonValue, pointer: string): { parent: JsonValue; token: string } {
  const tokens = parsePointer(pointer);
  const last = tokens.pop();
  if (last === undefined) throw new JsonPatchError(pointer, 'cannot operate on the whole document');
  let node = document;
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[arrayIndex(node, token, pointer, false)]!;
    else if (isJsonObject(node) && Object.hasOwn(node, token)) node = node[token]!;
    else throw new JsonPatchError(pointer, 'path not found');
  }
  if (!Array.isArray(node) && !isJsonObject(node)) throw new JsonPatchError(pointer, 'path not found');
  return { parent: node, token: last };
}

function get(document: JsonValue, pointer: string): JsonValue {
  const { parent, token } = locate(document, pointer);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, token, pointer, false)]!;
  if (isJsonObject(parent) && Object.hasOwn(parent, token)) return parent[token]!;
  throw new JsonPatchError(pointer, 'path not found');
}

function add(document: JsonValue, pointer: string, value: JsonValue): void {
  const { parent, token } = locate(document, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, token, pointer, true), 0, value);
  else if (isJsonObject(parent)) parent[token] = value;
}

function remove(document: JsonValue, pointer: string): JsonValue {
  const { parent, token } = locate(document, pointer);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, token, pointer, false), 1)[0]!;
  if (isJsonObject(parent) && Object.hasOwn(parent, token)) {
    const removed = parent[token]!;
    Reflect.deleteProperty(parent, token);
    return removed;
  }
  throw new JsonPatchError(pointer, 'path not found');
}

/** Applies one RFC 6902 operation in place; throws JsonPatchError naming the failing pointer. */
export function applyJsonPatchOp(document: JsonValue, operation: JsonPatchOp): void {
  const value = (): JsonValue => {
    if (operation.value === undefined) throw new JsonPatchError(operation.path, `${operation.op} needs a value`);
    return cloneJson(operation.value);
  };
  const from = (): string => {
    if (operation.from === undefined) throw new JsonPatchError(operation.path, `${operation.op} needs from`);
    return operation.from;
  };
  switch (operation.op) {
    case 'add':
      add(document, operation.path, value());
      return;
    case 'remove':
      remove(document, operation.path);
      return;
    case 'replace':
      get(document, operation.path);
      remove(document, operation.path);
      add(document, operation.path, value());
      return;
    case 'move': {
      const source = from();
      if (operation.path.startsWith(`${source}/`)) {
        throw new JsonPatchError(operation.path, `cannot move ${source} into itself`);
      }
      add(document, operation.path, remove(document, source));
      return;
    }
    case 'copy':
      add(document, operation.path, cloneJson(get(document, from())));
      return;
    case 'test':
      if (!jsonEqual(get(document, operation.path), value())) {
        throw new JsonPatchError(operation.path, 'test failed: value differs');
      }
  }
}
