// A tiny machine API client for the Talos simulator tests (grpc-js over the simulator's own
// protos: smoke level), plus hand-written wire and tar readers that do not share its protos.
import { gunzipSync } from 'node:zlib';
import { Client, Metadata } from '@grpc/grpc-js';
import type { ChannelCredentials, ServiceDefinition, ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoDir } from '../../sim/talos/index.ts';

const service = loadSync(['machine/machine.proto'], {
  includeDirs: [protoDir],
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
})['machine.MachineService'] as ServiceDefinition;

/** A decoded reply. */
export type Message = Record<string, unknown> & { messages?: Record<string, unknown>[] };

/** A gRPC failure as the test sees it. */
export type RpcFailure = Pick<ServiceError, 'code' | 'details'>;

/** A minimal machine API client for the tests. */
export class TestTalosClient {
  private readonly client: Client;
  constructor(address: string, creds: ChannelCredentials) {
    this.client = new Client(`${address}:50000`, creds);
  }

  /** A unary call; `route` sets the node / nodes routing metadata; the deadline defaults to 10 s. */
  unary(
    method: string,
    request: Record<string, unknown> = {},
    route: { node?: string; nodes?: readonly string[] } = {},
    deadlineMs = 10_000,
  ): Promise<Message> {
    const definition = service[method];
    if (definition === undefined) throw new Error(`no method ${method}`);
    const metadata = new Metadata();
    if (route.node !== undefined) metadata.set('node', route.node);
    for (const node of route.nodes ?? []) metadata.add('nodes', node);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + deadlineMs },
        (error, value) => {
          if (error) reject(error);
          else resolve(value as Message);
        },
      );
    });
  }

  /** A server-streaming call, collected. */
  stream(method: string, request: Record<string, unknown> = {}): Promise<Message[]> {
    const definition = service[method];
    if (definition === undefined) throw new Error(`no method ${method}`);
    const call = this.client.makeServerStreamRequest(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
      request,
      new Metadata(),
      { deadline: Date.now() + 10_000 },
    );
    const messages: Message[] = [];
    return new Promise((resolve, reject) => {
      call.on('data', (message: Message) => messages.push(message));
      call.on('error', reject);
      call.on('end', () => {
        resolve(messages);
      });
    });
  }

  /** A client-streaming call (EtcdRecover): each chunk goes as one common.Data message. */
  upload(method: string, chunks: readonly Buffer[]): Promise<Message> {
    const definition = service[method];
    if (definition === undefined) throw new Error(`no method ${method}`);
    return new Promise((resolve, reject) => {
      const call = this.client.makeClientStreamRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        new Metadata(),
        { deadline: Date.now() + 30_000 },
        (error, value) => {
          if (error) reject(error);
          else resolve(value as Message);
        },
      );
      for (const bytes of chunks) call.write({ bytes });
      call.end();
    });
  }

  /** Sends raw bytes and returns raw bytes: for checking the wire format without our own protos. */
  raw(method: string, request: Buffer): Promise<Buffer> {
    const same = (b: Buffer): Buffer => b;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `/machine.MachineService/${method}`,
        same,
        same,
        request,
        new Metadata(),
        { deadline: Date.now() + 10_000 },
        (error, value) => {
          if (error || value === undefined) reject(error ?? new Error('no reply'));
          else resolve(value);
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

/** The status a failing call ends with. */
export async function failure(promise: Promise<unknown>): Promise<RpcFailure> {
  try {
    await promise;
  } catch (error) {
    const e = error as ServiceError;
    return { code: e.code, details: e.details };
  }
  throw new Error('the call succeeded');
}

/** One protobuf field as it is on the wire. */
export interface WireField {
  readonly field: number;
  readonly wireType: number;
  /** Varints as bigint; length-delimited fields as bytes. */
  readonly value: bigint | Buffer;
}

/**
 * A protobuf decoder written against the encoding spec, independent of protobufjs and of the
 * simulator's .proto files: the wire tests compare field numbers with upstream Talos by hand.
 */
export function decodeWire(buffer: Buffer): WireField[] {
  const fields: WireField[] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[offset++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === 0) fields.push({ field, wireType, value: varint() });
    else if (wireType === 2) {
      const length = Number(varint());
      fields.push({ field, wireType, value: buffer.subarray(offset, offset + length) });
      offset += length;
    } else throw new Error(`unexpected wire type ${wireType}`);
  }
  return fields;
}

/** The bytes of the (first) length-delimited field with this number. */
export function wireBytes(fields: readonly WireField[], field: number): Buffer {
  const found = fields.find((f) => f.field === field && Buffer.isBuffer(f.value));
  if (found === undefined || !Buffer.isBuffer(found.value)) throw new Error(`no field ${field}`);
  return found.value;
}

/** The regular files of a .tar.gz (ustar), read by hand to check what Talos' Kubeconfig streams. */
export function untarGz(archive: Buffer): { name: string; mode: number; content: Buffer }[] {
  const tar = gunzipSync(archive);
  const files: { name: string; mode: number; content: Buffer }[] = [];
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    const name = header.subarray(0, 100).toString('ascii').replace(/\0.*$/s, '');
    if (name === '') break;
    const field = (start: number, length: number): number =>
      parseInt(
        header
          .subarray(start, start + length)
          .toString('ascii')
          .replace(/\0.*$/s, '')
          .trim(),
        8,
      );
    const size = field(124, 12);
    files.push({ name, mode: field(100, 8), content: tar.subarray(offset + 512, offset + 512 + size) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
