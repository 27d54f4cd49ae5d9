/** A value that survives JSON encoding; `undefined` members are dropped like PVE drops unset fields. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/** A JSON object as handlers build it. */
export type JsonObject = { [key: string]: JsonValue | undefined };
