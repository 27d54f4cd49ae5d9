// The payload codec that keeps workflow inputs, results and messages unreadable in Temporal's
// history: AES-256-GCM over the whole serialized payload, so its original metadata (the JSON
// encoding) is hidden too and comes back intact. It runs in the client and the worker, outside
// the workflow sandbox, which never sees ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// A CommonJS module: under plain Node ESM only its default export is importable.
import proto from '@temporalio/proto';
import type { CodecKeyRing } from './codec-keys.ts';

/** The `encoding` metadata of a payload this codec encrypted. */
export const encryptedEncoding = 'binary/encrypted';
/** The metadata entry naming the key a payload was encrypted with, so decoding survives rotation. */
export const keyIdMetadata = 'encryption-key-id';

const ivBytes = 12; // GCM's standard nonce size; random per payload
const tagBytes = 16;
const text = new TextEncoder();
const fromBytes = new TextDecoder();

/** Encrypts with the ring's active key; decrypts with whichever key a payload names. */
export function createAesGcmCodec(ring: CodecKeyRing): PayloadCodec {
  const activeKey = ring.keys.get(ring.activeId);
  if (!activeKey) throw new Error(`the active key "${ring.activeId}" is not in the key ring`);
  return {
    encode: (payloads) => settled(() => payloads.map((payload) => encrypt(payload, ring.activeId, activeKey))),
    decode: (payloads) => settled(() => payloads.map((payload) => decrypt(payload, ring))),
  };
}

/**
 * The codec when no keys are configured: payloads stay plain JSON (as before encryption existed),
 * and an encrypted one is named for what it is instead of failing as an unknown encoding.
 */
export const plainCodec: PayloadCodec = {
  encode: (payloads) => Promise.resolve(payloads),
  decode: (payloads) =>
    settled(() =>
      payloads.map((payload) => {
        if (!isEncrypted(payload)) return payload;
        throw new Error(
          `a payload is encrypted with key "${keyIdOf(payload) ?? '(none named)'}", but no keys are configured; ` +
            'set CAPSTAN_CODEC_KEYS to the key file or directory (after `npm start`: .capstan/codec/keys)',
        );
      }),
    ),
};

/** Runs `work` now; what it throws rejects the promise, as callers of a codec expect, rather than escaping. */
function settled<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work());
  });
}

/** Whether this codec's encryption produced the payload. */
export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.['encoding'];
  return encoding !== undefined && fromBytes.decode(encoding) === encryptedEncoding;
}

function keyIdOf(payload: Payload): string | undefined {
  const id = payload.metadata?.[keyIdMetadata];
  return id ? fromBytes.decode(id) : undefined;
}

function encrypt(payload: Payload, keyId: string, key: Buffer): Payload {
  // Encrypting twice would only hide the key id a decode needs; a payload already encrypted passes.
  if (isEncrypted(payload)) return payload;
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The key id is authenticated data: a payload relabelled with another id fails instead of decrypting wrong.
  cipher.setAAD(text.encode(keyId));
  const plain = proto.temporal.api.common.v1.Payload.encode(payload).finish();
  const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    metadata: { encoding: text.encode(encryptedEncoding), [keyIdMetadata]: text.encode(keyId) },
    data: sealed,
  };
}

function decrypt(payload: Payload, ring: CodecKeyRing): Payload {
  // Plain payloads come from histories written before keys were configured: they stay readable.
  if (!isEncrypted(payload)) return payload;
  const keyId = keyIdOf(payload);
  if (keyId === undefined) throw new Error(`an encrypted payload names no key (metadata "${keyIdMetadata}" is missing)`);
  const key = ring.keys.get(keyId);
  if (!key) {
    throw new Error(
      `a payload is encrypted with key "${keyId}", which is not in CAPSTAN_CODEC_KEYS (known: ${[...ring.keys.keys()].join(', ')}); ` +
        'keep retired keys in the key set for as long as histories that use them exist',
    );
  }
  const sealed = Buffer.from(payload.data ?? new Uint8Array());
  if (sealed.length < ivBytes + tagBytes) throw new Error(`an encrypted payload (key "${keyId}") is too short to be one`);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, ivBytes));
  decipher.setAAD(text.encode(keyId));
  decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(sealed.subarray(ivBytes, sealed.length - tagBytes)), decipher.final()]);
  } catch (error) {
    throw new Error(`a payload encrypted with key "${keyId}" does not decrypt: the key under that id differs, or the payload was altered`, {
      cause: error,
    });
  }
  return proto.temporal.api.common.v1.Payload.decode(plain);
}
