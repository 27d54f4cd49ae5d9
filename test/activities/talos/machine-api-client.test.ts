import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { status } from '@grpc/grpc-js';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import { classifyTalosError, talosErrorType } from '../../../activities/talos/machine-api/classify-talos-error.ts';
import { channelCredentials, maintenanceCredentials } from '../../../activities/talos/machine-api/credentials.ts';
import { TalosMachineClient } from '../../../activities/talos/machine-api/machine-client.ts';
import { apidEndpoint } from '../../../activities/talos/machine-api/endpoint.ts';
import { toCallError } from '../../../activities/talos/machine-api/grpc-calls.ts';
import { everyNode, nodeResults, singleNode } from '../../../activities/talos/machine-api/node-replies.ts';
import { routingMetadata } from '../../../activities/talos/machine-api/routing.ts';
import { TalosCallError } from '../../../activities/talos/machine-api/talos-call-error.ts';
import { parseTalosconfig } from '../../../activities/talos/machine-api/talosconfig-credentials.ts';
import { readFileFromTarGz } from '../../../activities/talos/machine-api/tar-gz.ts';
import { writeAtomically } from '../../../activities/talos/machine-api/write-atomically.ts';
import { issueTalosClientCertificate, renderTalosconfig } from '../../../activities/talos/talosconfig.ts';
import { fixedNow, testBundle } from './talos-fixtures.ts';

const call = 'machine.MachineService/Bootstrap';

describe('gRPC status classification', () => {
  it.each([
    [status.UNAVAILABLE, ErrorType.TalosUnavailable, false],
    [status.DEADLINE_EXCEEDED, ErrorType.TalosUnavailable, false],
    [status.RESOURCE_EXHAUSTED, ErrorType.TalosUnavailable, false],
    [status.ABORTED, ErrorType.TalosUnavailable, false],
    [status.INTERNAL, ErrorType.TalosUnavailable, false],
    [status.UNKNOWN, ErrorType.TalosUnavailable, false],
    [status.INVALID_ARGUMENT, ErrorType.TalosInvalidConfig, true],
    [status.PERMISSION_DENIED, ErrorType.TalosPermissionDenied, true],
    [status.UNAUTHENTICATED, ErrorType.TalosPermissionDenied, true],
    [status.FAILED_PRECONDITION, ErrorType.TalosNotReady, false],
    [status.UNIMPLEMENTED, ErrorType.TalosUnsupported, true],
    [status.ALREADY_EXISTS, ErrorType.TalosCallFailed, false],
    [status.NOT_FOUND, ErrorType.TalosCallFailed, false],
  ])('code %i → %s (nonRetryable %s)', (code, type, nonRetryable) => {
    expect(talosErrorType(code)).toBe(type);
    const classified = classifyTalosError(new TalosCallError(code, 'details', call), 'ctx');
    expect(classified).toMatchObject({ type, nonRetryable });
    expect(classified.message).toMatch(/^ctx: machine\.MachineService\/Bootstrap: \w+: details$/);
  });

  it('treats "wrong kind of node" preconditions as unsupported, not as "wait"', () => {
    const worker = new TalosCallError(status.FAILED_PRECONDITION, 'bootstrap can only be performed on a control plane node', call);
    expect(classifyTalosError(worker)).toMatchObject({ type: ErrorType.TalosUnsupported, nonRetryable: true });
    const early = new TalosCallError(status.FAILED_PRECONDITION, 'bootstrap is not available yet', call);
    expect(classifyTalosError(early)).toMatchObject({ type: ErrorType.TalosNotReady, nonRetryable: false });
  });

  it('turns grpc-js ServiceErrors into TalosCallErrors and anything else into retryable failures', () => {
    const serviceError = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
      details: 'No connection established',
    });
    const converted = toCallError(serviceError, '/machine.MachineService/Version');
    expect(converted).toMatchObject({ code: 14, details: 'No connection established', call: 'machine.MachineService/Version' });
    expect(classifyTalosError(new Error('socket hang up'))).toBeInstanceOf(ApplicationFailure);
    expect(classifyTalosError(new Error('socket hang up'))).toMatchObject({ type: ErrorType.TalosUnavailable, nonRetryable: false });
  });
});

describe('transport', () => {
  it('reports a node that refuses connections as UNAVAILABLE, classified retryable', async () => {
    const client = new TalosMachineClient('127.0.0.1:1', maintenanceCredentials);
    try {
      const error = await client.version(undefined, { deadlineMs: 10_000 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: status.UNAVAILABLE, call: 'machine.MachineService/Version' });
      expect(classifyTalosError(error)).toMatchObject({ type: ErrorType.TalosUnavailable, nonRetryable: false });
    } finally {
      client.close();
    }
  });

  it('gives up a call when the activity is cancelled, and lets the cancellation through classification', async () => {
    const client = new TalosMachineClient('127.0.0.1:1', maintenanceCredentials);
    const controller = new AbortController();
    controller.abort(new CancelledFailure('CANCELLED'));
    try {
      const error = await client.bootstrap(undefined, { signal: controller.signal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CancelledFailure);
      expect(() => classifyTalosError(error)).toThrow(CancelledFailure);
    } finally {
      client.close();
    }
  });
});

describe('per-node replies', () => {
  it("reads a direct reply (no metadata) as the dialled node's success", () => {
    const results = nodeResults(call, { messages: [{ metadata: null }] });
    expect(results).toEqual([{ ok: true, node: undefined, value: { metadata: null } }]);
    expect(singleNode(call, results)).toEqual({ metadata: null });
  });

  it('splits a fan-out reply into nodes, taking the code from metadata.status', () => {
    const results = nodeResults(call, {
      messages: [
        { metadata: { hostname: '10.0.0.2', error: '' } },
        {
          metadata: {
            hostname: '10.0.0.3',
            error: 'etcd data directory is not empty',
            status: { code: status.ALREADY_EXISTS, message: 'x' },
          },
        },
        { metadata: { hostname: '10.0.0.4', error: 'connection refused' } },
      ],
    });
    expect(results.map((r) => [r.node, r.ok])).toEqual([
      ['10.0.0.2', true],
      ['10.0.0.3', false],
      ['10.0.0.4', false],
    ]);
    const [, exists, refused] = results;
    expect(exists?.ok === false && exists.error).toMatchObject({ code: status.ALREADY_EXISTS, node: '10.0.0.3' });
    // An apid that sends only the text leaves the code UNKNOWN: retryable, never a false success.
    expect(refused?.ok === false && refused.error.code).toBe(status.UNKNOWN);
    expect(() => everyNode(results)).toThrow(/on 10\.0\.0\.3: ALREADY_EXISTS: etcd data directory is not empty/);
  });

  it('refuses an empty or multi-node reply where one node was asked', () => {
    expect(() => singleNode(call, [])).toThrow(/expected one reply, got 0/);
    const two = nodeResults(call, { messages: [{}, {}] });
    expect(() => singleNode(call, two)).toThrow(/got 2/);
  });
});

describe('routing and endpoints', () => {
  it('sends one `nodes` entry per node and a single `node` for proxying', () => {
    expect(routingMetadata({ kind: 'nodes', nodes: ['10.0.0.2', '10.0.0.3'] }).get('nodes')).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(routingMetadata({ kind: 'node', node: '10.0.0.2' }).getMap()).toEqual({ node: '10.0.0.2' });
    expect(routingMetadata({ kind: 'local' }).getMap()).toEqual({});
    expect(() => routingMetadata({ kind: 'nodes', nodes: [] })).toThrow();
  });

  it.each([
    ['10.0.0.2', '10.0.0.2:50000'],
    ['10.0.0.2:50001', '10.0.0.2:50001'],
    ['cp.example.com', 'cp.example.com:50000'],
    ['fd00::2', '[fd00::2]:50000'],
    ['[fd00::2]', '[fd00::2]:50000'],
    ['[fd00::2]:50001', '[fd00::2]:50001'],
  ])('dials %s at %s', (address, endpoint) => {
    expect(apidEndpoint(address)).toBe(endpoint);
  });
});

describe('talosconfig credentials', () => {
  it('reads the current context and builds mTLS credentials from an Ed25519 talosconfig', async () => {
    const bundle = await testBundle();
    const client = await issueTalosClientCertificate(bundle, { now: fixedNow });
    // As talosctl writes it: siderolabs/crypto's label, which OpenSSL 3 refuses unless relabelled.
    const talosctlKey = client.key.replace(/(BEGIN|END) PRIVATE KEY/g, '$1 ED25519 PRIVATE KEY');
    const text = renderTalosconfig({
      contextName: 'prod',
      endpoints: ['10.0.0.2'],
      nodes: ['10.0.0.2'],
      caCrt: bundle.certs.os.crt,
      client: { crt: client.crt, key: talosctlKey },
    });
    const context = parseTalosconfig(text);
    expect(context).toMatchObject({ name: 'prod', endpoints: ['10.0.0.2'], nodes: ['10.0.0.2'] });
    expect(context.credentials.caPem).toBe(bundle.certs.os.crt);
    expect(context.credentials.keyPem).toMatch(/^-{5}BEGIN ED25519 PRIVATE KEY-{5}/); // the label talosctl writes
    expect(() => channelCredentials(context.credentials)).not.toThrow();
    expect(() => channelCredentials({ kind: 'maintenance' })).not.toThrow();
  });

  it('names what is wrong with a broken talosconfig', () => {
    expect(() => parseTalosconfig('context: a\ncontexts: {}\n')).toThrow(/no context "a"/);
    expect(() => parseTalosconfig('context: a\ncontexts: {a: {ca: x, crt: y, key: z}}\n')).toThrow(/field ca/);
    expect(() => parseTalosconfig('contexts: 3\n')).toThrow(/malformed/);
  });
});

/** A ustar archive like Go's archive/tar writes, optionally with a PAX header before the file. */
function tarGz(files: Record<string, string>, pax = false): Buffer {
  const blocks: Buffer[] = [];
  const header = (name: string, size: number, type: string) => {
    const block = Buffer.alloc(512);
    block.write(name, 0);
    block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    block.write(type, 156);
    block.write('ustar\u000000', 257);
    return block;
  };
  const pad = (body: Buffer) => Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
  for (const [name, content] of Object.entries(files)) {
    if (pax) {
      const record = Buffer.from(`${`path=${name}`.length + 4} path=${name}\n`);
      blocks.push(header('PaxHeaders/x', record.length, 'x'), pad(record));
    }
    blocks.push(header(pax ? 'truncated' : name, Buffer.byteLength(content), '0'), pad(Buffer.from(content)));
  }
  return gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)]));
}

describe('kubeconfig archive', () => {
  it('finds `kubeconfig` in the .tar.gz, by ustar or PAX name', () => {
    expect(readFileFromTarGz(tarGz({ other: 'x', kubeconfig: 'apiVersion: v1\n' }), 'kubeconfig').toString()).toBe('apiVersion: v1\n');
    expect(readFileFromTarGz(tarGz({ kubeconfig: 'pax' }, true), 'kubeconfig').toString()).toBe('pax');
    expect(() => readFileFromTarGz(tarGz({ other: 'x' }), 'kubeconfig')).toThrow(/no file "kubeconfig"/);
  });
});

describe('atomic snapshot files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-snapshot-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function* chunks(fail: boolean) {
    await Promise.resolve();
    yield Buffer.from('etcd-');
    yield Buffer.from('snapshot');
    if (fail) throw new TalosCallError(status.UNAVAILABLE, 'connection reset', 'machine.MachineService/EtcdSnapshot');
  }

  it('writes the whole stream with size and SHA-256, and leaves the old file on a broken stream', async () => {
    const path = join(dir, 'cluster', 'etcd.snapshot');
    const written = await writeAtomically(path, chunks(false));
    expect(written).toEqual({ path, bytes: 13, sha256: createHash('sha256').update('etcd-snapshot').digest('hex') });
    expect(readFileSync(path, 'utf8')).toBe('etcd-snapshot');
    await expect(writeAtomically(path, chunks(true))).rejects.toThrow(/connection reset/);
    expect(readFileSync(path, 'utf8')).toBe('etcd-snapshot');
    expect(readdirSync(join(dir, 'cluster'))).toEqual(['etcd.snapshot']);
  });
});
