// The simulator speaks HTTPS only, like pveproxy on 8006: its own CA, a node certificate with
// the addresses it listens on, and a request in the clear is redirected, never served.
import { X509Certificate } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../api/errors.ts';
import { classifyProxmoxError } from '../../activities/proxmox/classify-error.ts';
import { ProxmoxTlsError } from '../../activities/proxmox/proxmox-api-error.ts';
import { ProxmoxClient } from '../../activities/proxmox/proxmox-client.ts';
import { PveVersion } from '../../activities/proxmox/pve-schemas.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import type { ProxmoxSim } from '../../sim/proxmox/index.ts';
import { dataOf, rawRequest, startTestSim } from './proxmox-helpers.ts';

/** One request in the clear to the simulator's port, as curl http://… sends it. */
function plainRequest(
  sim: ProxmoxSim,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; reason: string; location: string | undefined; body: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: sim.host, port: sim.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          reason: res.statusMessage ?? '',
          location: res.headers.location,
          body: Buffer.concat(chunks).toString('utf8'),
          closed: res.headers.connection === 'close',
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The certificate the simulator serves, read with its CA trusted. */
function servedCertificate(sim: ProxmoxSim): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: sim.host, port: sim.port, ca: sim.caPem }, () => {
      const certificate = socket.getPeerX509Certificate();
      socket.end();
      if (certificate === undefined) reject(new Error('no peer certificate'));
      else resolve(certificate);
    });
    socket.on('error', reject);
  });
}

let sim: ProxmoxSim;
beforeAll(async () => {
  sim = await startTestSim({ host: '127.0.0.9' });
});
afterAll(async () => {
  await sim.stop();
});

describe('HTTPS only, like pveproxy', () => {
  it('serves the API over HTTPS to a client that trusts its CA', async () => {
    expect(sim.url).toBe(`https://127.0.0.9:${sim.port}/api2/json`);
    expect(sim.caFile).toBeUndefined();
    const answer = await rawRequest(sim, 'GET', '/version');
    expect(answer.status).toBe(200);
    expect((dataOf(answer) as { release: string }).release).toMatch(/^\d+\.\d+$/);
  });

  it('redirects a request in the clear to HTTPS and hangs up, even with valid credentials', async () => {
    const get = await plainRequest(sim, 'GET', '/api2/json/nodes', { Host: `${sim.host}:${sim.port}`, Authorization: sim.authorization });
    expect(get).toMatchObject({ status: 301, reason: 'Moved Permanently', location: `${sim.url}/nodes`, body: '', closed: true });
    const post = await plainRequest(sim, 'POST', '/api2/json/nodes/pve1/qemu/9000/clone?newid=150', {
      Host: `${sim.host}:${sim.port}`,
      Authorization: sim.authorization,
    });
    expect(post).toMatchObject({ status: 308, reason: 'Permanent Redirect', location: `${sim.url}/nodes/pve1/qemu/9000/clone?newid=150` });
    // Nothing was served: the clone never happened.
    expect(sim.vms().map((vm) => vm.vmid)).not.toContain(150);
  });

  it('checks the header first, as process_header does, then redirects', async () => {
    const patch = await plainRequest(sim, 'PATCH', '/api2/json/nodes', { Host: sim.host });
    expect(patch).toMatchObject({ status: 501, reason: "method 'PATCH' not available" });
  });

  it('is refused by a client that does not trust its CA, whether it starts with http or https', async () => {
    await expect(fetch(`${sim.url}/version`)).rejects.toMatchObject({ cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
    // A client following the redirect lands on the same certificate check.
    await expect(fetch(`http://${sim.host}:${sim.port}/api2/json/version`)).rejects.toMatchObject({
      cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    });
  });

  it('serves a node certificate from its CA with the addresses PVE puts in it', async () => {
    const certificate = await servedCertificate(sim);
    const ca = new X509Certificate(sim.caPem);
    expect(certificate.checkIssued(ca)).toBe(true);
    expect(certificate.verify(ca.publicKey)).toBe(true);
    expect(certificate.ca).toBe(false);
    expect(certificate.subjectAltName?.split(', ')).toEqual([
      'IP Address:127.0.0.1',
      'IP Address:0:0:0:0:0:0:0:1',
      'DNS:localhost',
      'IP Address:127.0.0.9',
      'DNS:pve1',
    ]);
    expect(certificate.subject).toContain('CN=pve1');
    expect(ca.subject).toMatch(/CN=Proxmox Virtual Environment\nOU=[0-9a-f-]{36}\nO=PVE Cluster Manager CA/);
    expect(ca.ca).toBe(true);
    // /nodes lists the fingerprint of the certificate a client meets.
    const nodes = dataOf(await rawRequest(sim, 'GET', '/nodes')) as { ssl_fingerprint: string }[];
    expect(nodes.map((node) => node.ssl_fingerprint)).toEqual(nodes.map(() => certificate.fingerprint256));
  });
});

describe("Capstan's client against the simulator's certificate", () => {
  const connection = () => ({ baseUrl: sim.url, tokenId: sim.token.id, tokenSecret: sim.token.secret });

  it('verifies by default and fails for good, naming what to set, without the CA', async () => {
    const error: unknown = await new ProxmoxClient(connection()).get('/version', PveVersion).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxmoxTlsError);
    expect((error as ProxmoxTlsError).message).toContain(`the TLS certificate of https://127.0.0.9:${sim.port} is not trusted`);
    const failure = classifyProxmoxError(error);
    expect(failure).toMatchObject({ type: ErrorType.ProxmoxTlsUntrusted, nonRetryable: true });
    expect(failure.message).toMatch(/PROXMOX_CA_FILE.*\/etc\/pve\/pve-root-ca\.pem.*PROXMOX_INSECURE_SKIP_TLS_VERIFY=true/);
  });

  it("works with the simulator's CA, and without verification only when asked", async () => {
    const verified = await new ProxmoxClient({ ...connection(), caPem: sim.caPem }).get('/version', PveVersion);
    expect(verified.version).toMatch(/^\d+\.\d+/);
    const unverified = await new ProxmoxClient({ ...connection(), insecureSkipTlsVerify: true }).get('/version', PveVersion);
    expect(unverified).toEqual(verified);
  });

  it("refuses another simulator's CA", async () => {
    const other = await startTestSim();
    try {
      const error: unknown = await new ProxmoxClient({ ...connection(), caPem: other.caPem })
        .get('/version', PveVersion)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProxmoxTlsError);
    } finally {
      await other.stop();
    }
  });
});

describe('the CA in the state folder', () => {
  const dir = makeTempDir('proxmox-tls');
  afterAll(() => {
    dir.remove();
  });

  it('survives a restart on another address, which gets a new node certificate from the same CA', async () => {
    const stateFile = join(dir.path, 'proxmox', 'state.json');
    const first = await startTestSim({ stateFile, host: '127.0.0.1' });
    const firstCa = first.caPem;
    await first.stop();
    const second = await startTestSim({ stateFile, host: '127.0.0.12' });
    try {
      expect(second.caPem).toBe(firstCa);
      expect(second.caFile).toBe(join(dir.path, 'proxmox', 'pve-root-ca.pem'));
      const certificate = await servedCertificate(second);
      expect(certificate.checkIP('127.0.0.12')).toBe('127.0.0.12');
      const trusting = new Agent({ connect: { ca: firstCa } });
      expect(
        (await fetch(`${second.url}/version`, { headers: { Authorization: second.authorization }, dispatcher: trusting })).status,
      ).toBe(200);
      await trusting.close();
    } finally {
      await second.stop();
    }
  });
});
