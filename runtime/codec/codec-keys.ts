// The keys that encrypt workflow payloads, parsed from text. Pure: the caller reads the files and
// says where the text came from, so every error names the file and the key to fix.

/** AES-256 keys are 32 bytes. */
export const keyBytes = 32;

/** The keys a codec decodes with, by id, and the id of the one it encrypts new payloads with. */
export interface CodecKeyRing {
  readonly keys: ReadonlyMap<string, Buffer>;
  readonly activeId: string;
}

/** One named key before the ring is assembled. */
export interface NamedKey {
  readonly id: string;
  readonly key: Buffer;
}

// Ids travel in payload metadata and name files in a mounted Secret: keep them plain.
const keyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const hexPattern = /^[0-9a-fA-F]{64}$/;
const base64Pattern = /^[A-Za-z0-9+/_-]+={0,2}$/;

const generateHint = 'generate one with `openssl rand -base64 32`';

/** A key id, checked: letters, digits, `.`, `_`, `-`, at most 63 characters. */
export function checkKeyId(id: string, where: string): string {
  if (!keyIdPattern.test(id)) {
    throw new Error(
      `${where}: key id "${id}" is not allowed; use letters, digits, '.', '_' or '-' (at most 63, starting with a letter or digit)`,
    );
  }
  return id;
}

/** One key's text (64 hex digits, or base64 of 32 bytes) → its bytes; a clear error otherwise. */
export function parseKeyMaterial(text: string, id: string, where: string): Buffer {
  const value = text.trim();
  if (hexPattern.test(value)) return Buffer.from(value, 'hex');
  if (!base64Pattern.test(value)) {
    throw new Error(`${where}: key "${id}" is neither 64 hex digits nor base64; ${generateHint}`);
  }
  const key = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  if (key.length !== keyBytes) {
    throw new Error(`${where}: key "${id}" is ${key.length} bytes; AES-256 needs exactly ${keyBytes}; ${generateHint}`);
  }
  return key;
}

/**
 * A key file: one `id=key` per line, `#` comments and blank lines ignored. Every line names its
 * key, so a file can hold the retired keys old histories need beside the active one.
 */
export function parseKeyFile(text: string, where: string): NamedKey[] {
  const keys: NamedKey[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = `${where} line ${index + 1}`;
    const equals = line.indexOf('=');
    // A key without its id still holds '=' (base64 padding), but nothing follows it.
    if (equals <= 0 || line.slice(equals + 1).trim() === '')
      throw new Error(`${at}: expected \`<key id>=<key>\` (e.g. 2026-01=<base64 of 32 bytes>)`);
    const id = checkKeyId(line.slice(0, equals).trim(), at);
    keys.push({ id, key: parseKeyMaterial(line.slice(equals + 1), id, at) });
  }
  return keys;
}

/**
 * Assembles the ring. The active key is the one named, or the only key when there is one; with
 * several and none named the choice would be a guess, so it is an error.
 */
export function keyRing(keys: readonly NamedKey[], activeId: string | undefined, where: string): CodecKeyRing {
  if (keys.length === 0) throw new Error(`${where} holds no keys; add one (${generateHint})`);
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (byId.has(id)) throw new Error(`${where}: key "${id}" appears twice; each key id must be unique`);
    byId.set(id, key);
  }
  const ids = [...byId.keys()].join(', ');
  if (activeId === undefined || activeId === '') {
    const [only] = keys;
    if (keys.length === 1 && only) return { keys: byId, activeId: only.id };
    throw new Error(`${where} holds several keys (${ids}); name the one that encrypts new payloads with CAPSTAN_CODEC_ACTIVE_KEY`);
  }
  if (!byId.has(activeId)) {
    throw new Error(`CAPSTAN_CODEC_ACTIVE_KEY=${activeId} is not among the keys in ${where} (${ids}); add it or pick one of those`);
  }
  return { keys: byId, activeId };
}
