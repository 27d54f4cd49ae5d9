// The codec server of `npm start`: a payload key and a server token generated on the first start
// and kept under .capstan/codec/ (outside git), so histories written by one start stay readable
// by the next, and the dev server's Web UI decodes through the server.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { createAesGcmCodec } from '../runtime/codec/aes-gcm-codec.ts';
import { keyBytes } from '../runtime/codec/codec-keys.ts';
import { startCodecServer, type CodecServer } from '../runtime/codec/codec-server.ts';
import { loadCodecKeys } from '../runtime/codec/load-codec-keys.ts';

/** The embedded codec: what the worker and controller encode with, and the server the Web UI calls. */
export interface EmbeddedCodec {
  readonly keysPath: string;
  readonly codec: PayloadCodec;
  readonly server: CodecServer;
  /** The endpoint to give the Web UI: the server URL with the token as its path (the UI sends no header of ours). */
  readonly uiEndpoint: string;
  /** The file holding the token, for the `temporal` CLI: --codec-endpoint <server.url> --codec-auth "Bearer <token>". */
  readonly tokenPath: string;
}

/**
 * Starts the codec server on 127.0.0.1:`port` for a Web UI on 127.0.0.1:`uiPort` (reached as
 * localhost too). CAPSTAN_CODEC_KEYS / CAPSTAN_CODEC_ACTIVE_KEY, when set, replace the generated
 * key file, so rotation can be tried here the way it is done in production.
 */
export async function startEmbeddedCodec(
  dir: string,
  port: number,
  uiPort: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<EmbeddedCodec> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const generatedKeys = join(dir, 'keys');
  if (!existsSync(generatedKeys)) {
    const key = randomBytes(keyBytes).toString('base64');
    writeFileSync(
      generatedKeys,
      `# payload keys of this npm start, one <id>=<base64 of 32 bytes> per line (README: "Encrypted payloads")\ndev-1=${key}\n`,
      {
        mode: 0o600,
      },
    );
  }
  const tokenPath = join(dir, 'server-token');
  if (!existsSync(tokenPath)) writeFileSync(tokenPath, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const token = readFileSync(tokenPath, 'utf8').trim();
  const keysPath = env['CAPSTAN_CODEC_KEYS'] ?? generatedKeys;
  const codec = createAesGcmCodec(loadCodecKeys(keysPath, env['CAPSTAN_CODEC_ACTIVE_KEY']));
  const server = await startCodecServer({
    address: `127.0.0.1:${port}`,
    codec,
    token,
    allowedOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
  });
  return { keysPath, codec, server, uiEndpoint: `${server.url}/${token}`, tokenPath };
}
