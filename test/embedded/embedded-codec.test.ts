// What `npm start` gives a browser: the dev server's Web UI is told the codec endpoint, and a
// call made the way the UI makes it decodes. The UI bundled with the Temporal CLI (UI 2.54) posts
// from the browser to `<endpoint>/decode?preserveStorageRefs=true` with only Content-Type and
// X-Namespace: no Authorization unless passAccessToken, which needs HTTPS and sends the UI's login.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedCodec, type EmbeddedCodec } from '../../embedded/embedded-codec.ts';
import { freePort } from '../../embedded/servers/free-port.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';

const home = makeTempDir('embedded-codec');
let codec: EmbeddedCodec | undefined;
let temporal: TemporalDevServer | undefined;
let uiPort = 0;

beforeAll(async () => {
  uiPort = await freePort();
  codec = await startEmbeddedCodec(home.path, await freePort(), uiPort, {});
  temporal = await startTemporalDevServer({ uiPort, uiCodecEndpoint: codec.uiEndpoint });
});
afterAll(async () => {
  await temporal?.stop();
  await codec?.server.close();
  home.remove();
});

describe('the codec of npm start', () => {
  it('is the codec endpoint the Web UI is configured with, without a token it would have to send', async () => {
    const settings = (await (await fetch(`${temporal!.uiUrl!}/api/v1/settings`)).json()) as {
      Codec: { Endpoint: string; PassAccessToken: boolean; IncludeCredentials: boolean };
    };
    expect(settings.Codec).toMatchObject({ Endpoint: codec!.uiEndpoint, PassAccessToken: false, IncludeCredentials: false });
  });

  it('decodes for a page of the UI, reached as localhost, the way the UI calls it', async () => {
    const [encrypted] = await codec!.codec.encode([defaultPayloadConverter.toPayload({ patch: 'secret' })]);
    const body = JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(encrypted!.data!).toString('base64'),
        },
      ],
    });
    const origin = `http://localhost:${uiPort}`;
    const preflight = await fetch(`${codec!.uiEndpoint}/decode?preserveStorageRefs=true`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    const response = await fetch(`${codec!.uiEndpoint}/decode?preserveStorageRefs=true`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/json', 'X-Namespace': 'default' },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    const decoded = (await response.json()) as { payloads: Array<{ data: string }> };
    expect(JSON.parse(Buffer.from(decoded.payloads[0]!.data, 'base64').toString())).toEqual({ patch: 'secret' });
  });

  it('keeps its key and token across starts, readable by this user only, so older histories stay readable', async () => {
    expect(statSync(join(home.path, 'keys')).mode & 0o777).toBe(0o600);
    expect(statSync(join(home.path, 'server-token')).mode & 0o777).toBe(0o600);
    const again = await startEmbeddedCodec(home.path, await freePort(), uiPort, {});
    try {
      expect(again.uiEndpoint.split('/').at(-1)).toBe(codec!.uiEndpoint.split('/').at(-1));
      const [encrypted] = await codec!.codec.encode([defaultPayloadConverter.toPayload('kept')]);
      const [decoded] = await again.codec.decode([encrypted!]);
      expect(defaultPayloadConverter.fromPayload(decoded!)).toBe('kept');
    } finally {
      await again.server.close();
    }
  });
});
