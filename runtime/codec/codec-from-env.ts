import type { PayloadCodec } from '@temporalio/common';
import { createAesGcmCodec, plainCodec } from './aes-gcm-codec.ts';
import { loadCodecKeys } from './load-codec-keys.ts';

/**
 * The payload codecs for a worker's or client's data converter, from CAPSTAN_CODEC_KEYS (a key
 * file or directory) and CAPSTAN_CODEC_ACTIVE_KEY (the id that encrypts; optional with one key).
 * Without CAPSTAN_CODEC_KEYS payloads stay plain JSON, as they were before encryption existed.
 */
export function payloadCodecsFromEnv(env: NodeJS.ProcessEnv = process.env): PayloadCodec[] {
  const path = env['CAPSTAN_CODEC_KEYS'];
  if (!path) return [plainCodec];
  return [createAesGcmCodec(loadCodecKeys(path, env['CAPSTAN_CODEC_ACTIVE_KEY']))];
}
