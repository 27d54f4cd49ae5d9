// Typed reads of requests decoded by proto-loader (defaults on, longs as strings, enums as names).

/** A decoded request message. */
export type DecodedRequest = Readonly<Record<string, unknown>>;

/** A boolean field. */
export const boolField = (request: DecodedRequest, name: string): boolean => request[name] === true;

/** A string field ('' when unset). */
export const stringField = (request: DecodedRequest, name: string): string => {
  const value = request[name];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
};

/** A bytes field. */
export const bytesField = (request: DecodedRequest, name: string): Buffer => {
  const value = request[name];
  return Buffer.isBuffer(value) ? value : Buffer.alloc(0);
};

/** A repeated field of messages. */
export const messagesField = (request: DecodedRequest, name: string): DecodedRequest[] => {
  const value = request[name];
  return Array.isArray(value) ? value.filter((v): v is DecodedRequest => typeof v === 'object' && v !== null) : [];
};

/** A google.protobuf.Duration field in ms, when set. */
export const durationMsField = (request: DecodedRequest, name: string): number | undefined => {
  const value = request[name];
  if (typeof value !== 'object' || value === null) return undefined;
  const duration = value as DecodedRequest;
  const ms = Number(stringField(duration, 'seconds') || '0') * 1000 + Number(duration['nanos'] ?? 0) / 1e6;
  return ms > 0 ? ms : undefined;
};
