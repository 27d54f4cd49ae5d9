import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createAesGcmCodec, encryptedEncoding, keyIdMetadata, plainCodec } from '../../../runtime/codec/aes-gcm-codec.ts';
import { payloadCodecsFromEnv } from '../../../runtime/codec/codec-from-env.ts';
import { keyRing } from '../../../runtime/codec/codec-keys.ts';

const keyA = { id: 'key-a', key: Buffer.alloc(32, 1) };
const keyB = { id: 'key-b', key: Buffer.alloc(32, 2) };
const secret = 'talos-patch-secret-7f3a';
const input = { patches: [`machine:\n  token: ${secret}`] };

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const plainPayload = (): Payload => defaultPayloadConverter.toPayload(input);

describe('createAesGcmCodec', () => {
  it('hides the value and its encoding, names the key, and decodes to the same payload', async () => {
    const codec = createAesGcmCodec(keyRing([keyA], undefined, 'test'));
    const [encoded] = await codec.encode([plainPayload()]);
    expect(text(encoded!.metadata!['encoding'])).toBe(encryptedEncoding);
    expect(text(encoded!.metadata![keyIdMetadata])).toBe('key-a');
    expect(text(encoded!.data)).not.toContain(secret);
    expect(Object.keys(encoded!.metadata!)).not.toContain('json/plain');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(input);
    expect(text(decoded!.metadata!['encoding'])).toBe('json/plain');
  });

  it('encrypts the same value differently each time (a fresh nonce per payload)', async () => {
    const codec = createAesGcmCodec(keyRing([keyA], undefined, 'test'));
    const [first, second] = await codec.encode([plainPayload(), plainPayload()]);
    expect(Buffer.from(first!.data!).equals(Buffer.from(second!.data!))).toBe(false);
  });

  it('after rotation decodes payloads of the old key and encrypts new ones with the new key', async () => {
    const before = createAesGcmCodec(keyRing([keyA], undefined, 'test'));
    const [old] = await before.encode([plainPayload()]);
    const after = createAesGcmCodec(keyRing([keyA, keyB], 'key-b', 'test'));
    const [fresh] = await after.encode([plainPayload()]);
    expect(text(fresh!.metadata![keyIdMetadata])).toBe('key-b');
    const decoded = await after.decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([input, input]);
  });

  it('names an unknown key id and the keys it knows', async () => {
    const [old] = await createAesGcmCodec(keyRing([keyA], undefined, 'test')).encode([plainPayload()]);
    const withoutA = createAesGcmCodec(keyRing([keyB], undefined, 'test'));
    await expect(withoutA.decode([old!])).rejects.toThrow(
      'a payload is encrypted with key "key-a", which is not in CAPSTAN_CODEC_KEYS (known: key-b)',
    );
  });

  it('refuses a payload relabelled with another key id or altered', async () => {
    const codec = createAesGcmCodec(keyRing([keyA, keyB], 'key-a', 'test'));
    const [encoded] = await codec.encode([plainPayload()]);
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, [keyIdMetadata]: Buffer.from('key-b') } };
    await expect(codec.decode([relabelled])).rejects.toThrow('a payload encrypted with key "key-b" does not decrypt');
    const altered = Buffer.from(encoded!.data!);
    altered[20] = altered[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data: altered }])).rejects.toThrow('does not decrypt');
  });

  it('passes plain payloads through both ways, and does not encrypt twice', async () => {
    const codec = createAesGcmCodec(keyRing([keyA], undefined, 'test'));
    const [plain] = await codec.decode([plainPayload()]);
    expect(defaultPayloadConverter.fromPayload(plain!)).toEqual(input);
    const [once] = await codec.encode([plainPayload()]);
    const [twice] = await codec.encode([once!]);
    expect(twice).toBe(once);
  });
});

describe('without keys', () => {
  it('payloadCodecsFromEnv leaves payloads plain', async () => {
    const [codec] = payloadCodecsFromEnv({});
    expect(codec).toBe(plainCodec);
    const [encoded] = await codec!.encode([plainPayload()]);
    expect(text(encoded!.data)).toContain(secret);
  });

  it('says an encrypted payload needs CAPSTAN_CODEC_KEYS instead of failing on its encoding', async () => {
    const [encrypted] = await createAesGcmCodec(keyRing([keyA], undefined, 'test')).encode([plainPayload()]);
    await expect(plainCodec.decode([encrypted!])).rejects.toThrow(
      'a payload is encrypted with key "key-a", but no keys are configured; set CAPSTAN_CODEC_KEYS',
    );
  });
});
