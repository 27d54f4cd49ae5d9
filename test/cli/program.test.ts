// The capstan program without a stack: argument errors, kubeconfig problems and an unreachable
// Temporal each end with exit code 1, one line naming the problem and a hint.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { processClients } from '../../client/cli/connect/clients.ts';
import type { CliClients } from '../../client/cli/context.ts';
import { runCapstan } from '../../client/cli/program.ts';
import { freePort } from '../../embedded/servers/free-port.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { captureIo } from './capture-io.ts';

const dir = makeTempDir('cli-program');
afterAll(() => {
  dir.remove();
});

/** Clients a command must not use: the test fails if it connects anywhere. */
const unused: CliClients = {
  temporal: () => Promise.reject(new Error('this command should not reach Temporal')),
  kube: () => Promise.reject(new Error('this command should not reach Kubernetes')),
};

async function capstan(args: string[], clients: (flags: Parameters<typeof processClients>[0]) => CliClients = () => unused) {
  const io = captureIo();
  const code = await runCapstan(args, { io, clients });
  return { code, out: io.out(), err: io.err() };
}

describe('capstan arguments', () => {
  it('prints help with examples and exits 0', async () => {
    const { code, out } = await capstan(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('describe');
    expect(out).toContain('capstan watch demo --until-idle');
  });

  it('refuses abort without --reason before contacting anything', async () => {
    const { code, err } = await capstan(['abort', 'kappa']);
    expect(code).toBe(1);
    expect(err).toBe(
      'capstan: abort needs a reason: --reason "<why>"\nhint: the reason goes on the cluster status and explains the held cluster, e.g. capstan abort kappa --reason "the guard pod must stay until Monday"\n',
    );
  });

  it('refuses an etcd restore without --yes before contacting anything', async () => {
    const { code, err } = await capstan(['etcd', 'restore', 'kappa', '--snapshot', '20261205T150000Z-r812-scheduled']);
    expect(code).toBe(1);
    expect(err).toBe(
      "capstan: restoring replaces all etcd data of default/kappa with snapshot 20261205T150000Z-r812-scheduled: whatever the cluster stored since is lost, and etcd's data on every control plane is wiped first\n" +
        'hint: add --yes to go ahead; capstan etcd snapshots kappa lists the snapshots\n',
    );
  });

  it('names a missing argument and points at --help', async () => {
    const { code, err } = await capstan(['describe', 'cluster']);
    expect(code).toBe(1);
    expect(err).toContain("capstan: missing required argument 'name'");
    expect(err).toContain('(add --help for usage)');
  });

  it('rejects an unknown command and a bad output format', async () => {
    expect((await capstan(['explode', 'kappa'])).err).toContain("capstan: unknown command 'explode'");
    const { code, err } = await capstan(['describe', 'cluster', 'kappa', '-o', 'yaml']);
    expect(code).toBe(1);
    expect(err).toContain("option '-o, --output <format>' argument 'yaml' is invalid");
  });
});

describe('capstan connection errors', () => {
  it('says a --kubeconfig file is missing', async () => {
    const { code, err } = await capstan(['get', 'kubeconfig', 'kappa', '--kubeconfig', join(dir.path, 'nope')], (flags) =>
      processClients(flags, {}),
    );
    expect(code).toBe(1);
    expect(err).toBe(
      `capstan: kubeconfig ${join(dir.path, 'nope')} does not exist\nhint: pass --kubeconfig <file> or set KUBECONFIG to the management cluster's kubeconfig\n`,
    );
  });

  it('says there is no kubeconfig at all', async () => {
    const { err } = await capstan(['get', 'talosconfig', 'kappa'], (flags) => processClients(flags, { HOME: dir.path }));
    expect(err).toContain('capstan: no kubeconfig for the management cluster: no --kubeconfig, no KUBECONFIG and no ~/.kube/config');
  });

  it('names the API server it cannot reach', async () => {
    const port = await freePort();
    const file = join(dir.path, 'unreachable.kubeconfig');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:${port}', insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
    );
    const { code, err } = await capstan(['get', 'kubeconfig', 'kappa'], (flags) => processClients(flags, { KUBECONFIG: file }));
    expect(code).toBe(1);
    expect(err).toContain(`capstan: cannot reach the management cluster at https://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(err).toContain(`hint: the kubeconfig comes from KUBECONFIG=${file}`);
  });

  it('names a bad payload key file before it connects to Temporal', async () => {
    const keys = join(dir.path, 'codec-keys');
    writeFileSync(keys, 'short=AAAA\n');
    const { code, err } = await capstan(['describe', 'cluster', 'kappa'], (flags) => processClients(flags, { CAPSTAN_CODEC_KEYS: keys }));
    expect(code).toBe(1);
    expect(err).toBe(
      `capstan: CAPSTAN_CODEC_KEYS=${keys} line 1: key "short" is 3 bytes; AES-256 needs exactly 32; generate one with \`openssl rand -base64 32\`\n` +
        'hint: fix the key file, or unset CAPSTAN_CODEC_KEYS if payloads are not encrypted\n',
    );
  });

  it('says Temporal is unreachable at its address and how to point the CLI elsewhere (spawned, as a user runs it)', async () => {
    const port = await freePort();
    const main = fileURLToPath(new URL('../../client/cli/main.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const env = { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, NO_COLOR: '1' };
    const started = Date.now();
    const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const child = spawn(tsx, [main, 'describe', 'cluster', 'kappa'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => {
        resolve({ code, out, err });
      });
    });
    console.info(
      `spawned capstan describe against a closed port: exit ${result.code ?? 'signal'} after ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    const lines = result.err.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^capstan: cannot reach Temporal at 127\\.0\\.0\\.1:${port}: `));
    expect(lines[1]).toBe(
      `hint: is the Temporal server at 127.0.0.1:${port} running? Point the CLI at yours with TEMPORAL_ADDRESS=host:port (and TEMPORAL_NAMESPACE) or --temporal-address`,
    );
  }, 60_000);
});
