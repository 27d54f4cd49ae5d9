import { createAesGcmCodec } from './aes-gcm-codec.ts';
import { startCodecServer, type CodecServer } from './codec-server.ts';
import { loadCodecKeys } from './load-codec-keys.ts';

/** Where the codec server listens unless CAPSTAN_CODEC_SERVER_ADDRESS says otherwise. */
export const defaultCodecServerAddress = '127.0.0.1:18233';

/**
 * Starts the codec server from CAPSTAN_CODEC_KEYS (+ CAPSTAN_CODEC_ACTIVE_KEY),
 * CAPSTAN_CODEC_SERVER_TOKEN, CAPSTAN_CODEC_SERVER_ADDRESS and CAPSTAN_CODEC_SERVER_ORIGINS
 * (comma-separated Web UI origins). Keys and token are required: a codec server without keys has
 * nothing to do, and one without a token would decrypt for anyone who can reach it.
 */
export function startCodecServerFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<CodecServer> {
  const keys = env['CAPSTAN_CODEC_KEYS'];
  if (!keys) throw new Error('CAPSTAN_CODEC_KEYS is not set: point it at the key file or directory the workers use');
  const token = env['CAPSTAN_CODEC_SERVER_TOKEN'];
  if (!token)
    throw new Error('CAPSTAN_CODEC_SERVER_TOKEN is not set: callers must prove they may read payloads (e.g. `openssl rand -hex 32`)');
  return startCodecServer({
    address: env['CAPSTAN_CODEC_SERVER_ADDRESS'] ?? defaultCodecServerAddress,
    codec: createAesGcmCodec(loadCodecKeys(keys, env['CAPSTAN_CODEC_ACTIVE_KEY'])),
    token,
    allowedOrigins: (env['CAPSTAN_CODEC_SERVER_ORIGINS'] ?? '')
      .split(',')
      .map((origin) => origin.trim().replace(/\/$/, ''))
      .filter((origin) => origin !== ''),
  });
}
