import { afterEach, describe, expect, it } from 'vitest';
import { parseHealthAddress, startHealthServer, type HealthServer, type ReadinessCheck } from '../../runtime/health-server.ts';

const servers: HealthServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(checks: readonly ReadinessCheck[], options: { timeoutMs?: number; cacheMs?: number; now?: () => number } = {}) {
  const server = await startHealthServer({ address: '127.0.0.1:0', checks, ...options });
  servers.push(server);
  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    return { status: response.status, body: await response.text() };
  };
  return get;
}

/** A check that counts its calls and fails while `failing` says so. */
function counted(name: string, failing: () => string | undefined = () => undefined) {
  const state = { calls: 0 };
  const check: ReadinessCheck = {
    name,
    check: () => {
      state.calls += 1;
      const why = failing();
      return why === undefined ? Promise.resolve() : Promise.reject(new Error(why));
    },
  };
  return { check, state };
}

describe('the health endpoints', () => {
  it('answers /livez without running any check, and /readyz 200 when every check passes', async () => {
    const temporal = counted('temporal');
    const get = await serve([temporal.check, counted('kubernetes').check]);
    expect(await get('/livez')).toEqual({ status: 200, body: 'ok\n' });
    expect(temporal.state.calls).toBe(0);
    expect(await get('/readyz')).toEqual({ status: 200, body: '[+] temporal ok\n[+] kubernetes ok\nready\n' });
    expect((await get('/metrics')).status).toBe(404);
  });

  it('answers /readyz 503 naming the dependency that failed and why', async () => {
    const get = await serve([counted('temporal').check, counted('kubernetes', () => 'HTTP 401 Unauthorized\nbody').check]);
    expect(await get('/readyz')).toEqual({
      status: 503,
      body: '[+] temporal ok\n[-] kubernetes failed: HTTP 401 Unauthorized\nnot ready\n',
    });
    expect((await get('/livez')).status).toBe(200);
  });

  it('counts a check that hangs as failed after its timeout', async () => {
    let release: () => void = () => undefined;
    const hangs: ReadinessCheck = { name: 'temporal', check: () => new Promise((resolve) => (release = resolve)) };
    const get = await serve([hangs], { timeoutMs: 100 });
    expect(await get('/readyz')).toEqual({ status: 503, body: '[-] temporal failed: no answer within 100 ms\nnot ready\n' });
    release(); // the answer comes at last, after the verdict
  });

  it('reuses a verdict for cacheMs, then checks again', async () => {
    let now = 1_000;
    const api = { down: undefined as string | undefined };
    const kubernetes = counted('kubernetes', () => api.down);
    const get = await serve([kubernetes.check], { cacheMs: 500, now: () => now });
    expect((await get('/readyz')).status).toBe(200);
    api.down = 'connection refused';
    now += 499;
    expect((await get('/readyz')).status).toBe(200);
    expect(kubernetes.state.calls).toBe(1);
    now += 1;
    expect((await get('/readyz')).status).toBe(503);
    expect(kubernetes.state.calls).toBe(2);
  });
});

describe('parseHealthAddress', () => {
  it.each([
    ['0.0.0.0:8081', { host: '0.0.0.0', port: 8081 }],
    ['[::]:8081', { host: '::', port: 8081 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
  ])('reads %s', (address, expected) => {
    expect(parseHealthAddress(address)).toEqual(expected);
  });

  it.each(['8081', ':8081', '0.0.0.0:99999', 'http://0.0.0.0:8081'])('refuses %s with an example', (address) => {
    expect(() => parseHealthAddress(address)).toThrow(
      `CAPSTAN_HEALTH_ADDRESS=${address} is not host:port (e.g. [::]:8081 for every address`,
    );
  });
});

describe('an IPv6 health address', () => {
  it('binds a bracketed IPv6 host and names it in brackets (IPv6 loopback: tests listen on loopback only)', async () => {
    const server = await startHealthServer({ address: '[::1]:0', checks: [] });
    servers.push(server);
    expect(server.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    const response = await fetch(`${server.url}/livez`);
    expect(response.status).toBe(200);
  });
});

describe('closing the health endpoints', () => {
  it('waits for a check still running past its timeout, so nothing calls a closed client afterwards', async () => {
    let finish: () => void = () => undefined;
    const state = { finished: false };
    const slow: ReadinessCheck = {
      name: 'temporal',
      check: () =>
        new Promise<void>((resolve) => {
          finish = () => {
            state.finished = true;
            resolve();
          };
        }),
    };
    const server = await startHealthServer({ address: '127.0.0.1:0', checks: [slow], timeoutMs: 50 });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    const closed = server.close();
    setTimeout(() => {
      finish();
    }, 200);
    await closed;
    expect(state.finished).toBe(true);
  });
});
