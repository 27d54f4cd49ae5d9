import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAesGcmCodec } from '../../../runtime/codec/aes-gcm-codec.ts';
import { keyRing } from '../../../runtime/codec/codec-keys.ts';
import { startCodecServer, type CodecServer } from '../../../runtime/codec/codec-server.ts';
import { startCodecServerFromEnv } from '../../../runtime/codec/codec-server-from-env.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';

const token = 'test-token-0123456789abcdef';
const uiOrigin = 'http://localhost:8233';
const codec = createAesGcmCodec(keyRing([{ id: 'k1', key: Buffer.alloc(32, 5) }], undefined, 'test'));
const secret = 'talos-patch-secret-c0dec';

// A Payloads message in proto3 JSON, as the Web UI sends it: metadata values and data in base64.
const plainJson = (): { payloads: Array<{ metadata: Record<string, string>; data: string }> } => {
  const payload = defaultPayloadConverter.toPayload({ patch: secret });
  return {
    payloads: [
      {
        metadata: { encoding: Buffer.from(payload.metadata!['encoding']!).toString('base64') },
        data: Buffer.from(payload.data!).toString('base64'),
      },
    ],
  };
};

let server: CodecServer;
beforeAll(async () => {
  server = await startCodecServer({ address: '127.0.0.1:0', codec, token, allowedOrigins: [uiOrigin] });
});
afterAll(async () => {
  await server.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
    body: JSON.stringify(body),
  });

describe('codec server', () => {
  it('answers a preflight from the UI origin with the methods and headers it may use, without a token', async () => {
    const response = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: uiOrigin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, X-Namespace');
    expect(response.headers.get('access-control-allow-private-network')).toBeNull();
  });

  it('lets a hosted UI page reach it on a private address when the browser asks (Private Network Access)', async () => {
    const response = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: uiOrigin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Private-Network': 'true' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-private-network')).toBe('true');
  });

  it('gives another origin no CORS grant', async () => {
    const preflight = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const post_ = await post('/decode', plainJson(), { Origin: 'http://evil.example', Authorization: `Bearer ${token}` });
    expect(post_.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses calls without the token, or with a wrong one', async () => {
    const none = await post('/decode', plainJson());
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await none.json()) as { error: string }).error).toContain('missing or wrong token');
    expect((await post('/encode', plainJson(), { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post('/wrong-token/encode', plainJson())).status).toBe(401);
  });

  it('encodes and decodes over HTTP with the bearer token', async () => {
    const auth = { Authorization: `Bearer ${token}`, Origin: uiOrigin };
    const encoded = await post('/encode', plainJson(), auth);
    expect(encoded.status).toBe(200);
    expect(encoded.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const encodedBody = (await encoded.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    const metadata = encodedBody.payloads[0]!.metadata;
    expect(Buffer.from(metadata['encoding']!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(metadata['encryption-key-id']!, 'base64').toString()).toBe('k1');
    expect(Buffer.from(encodedBody.payloads[0]!.data, 'base64').toString('latin1')).not.toContain(secret);

    const decoded = await post('/decode', encodedBody, auth);
    expect(decoded.status).toBe(200);
    expect(await decoded.json()).toEqual(plainJson());
  });

  it('takes the token as the path segment before decode, the way the Web UI calls it', async () => {
    const encoded = await (await post('/encode', plainJson(), { Authorization: `Bearer ${token}` })).json();
    const decoded = await post(`/${token}/decode`, encoded, { Origin: uiOrigin });
    expect(decoded.status).toBe(200);
    expect(await decoded.json()).toEqual(plainJson());
  });

  it('explains a body that is not a Payloads message', async () => {
    const response = await post('/decode', { payloads: [{ data: 'not base64!' }] }, { Authorization: `Bearer ${token}` });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('payloads.0.data: bytes must be base64');
  });

  it('reports a payload it cannot decrypt, naming the key', async () => {
    const foreign = createAesGcmCodec(keyRing([{ id: 'elsewhere', key: Buffer.alloc(32, 6) }], undefined, 'test'));
    const [encrypted] = await foreign.encode([defaultPayloadConverter.toPayload('x')]);
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(encrypted!.data!).toString('base64'),
        },
      ],
    };
    const response = await post('/decode', body, { Authorization: `Bearer ${token}` });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toContain('key "elsewhere", which is not in CAPSTAN_CODEC_KEYS');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await post('/other', {}, { Authorization: `Bearer ${token}` })).status).toBe(404);
    expect((await fetch(`${server.url}/decode`)).status).toBe(405);
  });

  it('refuses to start with a short token', async () => {
    await expect(startCodecServer({ address: '127.0.0.1:0', codec, token: 'short', allowedOrigins: [] })).rejects.toThrow(
      'at least 16 characters',
    );
  });
});

describe('startCodecServerFromEnv', () => {
  const keysDir = makeTempDir('codec-server-env');
  const keys = join(keysDir.path, 'keys');
  writeFileSync(keys, `k1=${Buffer.alloc(32, 5).toString('base64')}\n`);
  afterAll(() => {
    keysDir.remove();
  });

  it('needs the keys and a token', () => {
    expect(() => startCodecServerFromEnv({ CAPSTAN_CODEC_SERVER_TOKEN: token })).toThrow('CAPSTAN_CODEC_KEYS is not set');
    expect(() => startCodecServerFromEnv({ CAPSTAN_CODEC_KEYS: keys })).toThrow('CAPSTAN_CODEC_SERVER_TOKEN is not set');
  });

  it('listens where told and grants CORS to the listed origins', async () => {
    const fromEnv = await startCodecServerFromEnv({
      CAPSTAN_CODEC_KEYS: keys,
      CAPSTAN_CODEC_SERVER_TOKEN: token,
      CAPSTAN_CODEC_SERVER_ADDRESS: '127.0.0.1:0',
      CAPSTAN_CODEC_SERVER_ORIGINS: 'https://temporal-ui.example, http://localhost:8233/',
    });
    try {
      for (const origin of ['https://temporal-ui.example', 'http://localhost:8233']) {
        const preflight = await fetch(`${fromEnv.url}/decode`, { method: 'OPTIONS', headers: { Origin: origin } });
        expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      }
    } finally {
      await fromEnv.close();
    }
  });
});
