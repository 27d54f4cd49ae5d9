// Runs `capstan generate cluster` in process and reads back what it printed, as kubectl would.
import { parseAllDocuments } from 'yaml';
import type { CliClients } from '../../client/cli/context.ts';
import { runCapstan } from '../../client/cli/program.ts';
import { captureIo } from './capture-io.ts';

/** Generating must not connect anywhere. */
const unused: CliClients = {
  temporal: () => Promise.reject(new Error('generate should not reach Temporal')),
  kube: () => Promise.reject(new Error('generate should not reach Kubernetes')),
};

/** The Proxmox flags every case needs unless it tests their absence: a /24 with room for 50 machines. */
export const proxmoxFlags = [
  '--source-node',
  'pve1',
  '--template-vmid',
  '9000',
  '--control-plane-endpoint-ip',
  '10.0.0.10',
  '--node-ip-ranges',
  '10.0.0.11-10.0.0.60',
  '--gateway',
  '10.0.0.1',
  '--ip-prefix',
  '24',
  '--dns-servers',
  '10.0.0.1',
];

/** A generated object as read from the YAML. */
export interface GeneratedManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

/** Exit code, stdout and stderr of `capstan <args>` with `env` as the environment. */
export async function capstan(args: readonly string[], env: Readonly<Record<string, string>> = {}) {
  const io = captureIo();
  const code = await runCapstan(args, { io, clients: () => unused, env });
  return { code, out: io.out(), err: io.err() };
}

/** The documents of a YAML stream, comments dropped. */
export function documentsOf(yaml: string): GeneratedManifest[] {
  return parseAllDocuments(yaml)
    .map((document) => document.toJSON() as GeneratedManifest | null)
    .filter((object): object is GeneratedManifest => object !== null);
}

/** `capstan generate cluster <name> <args>`'s objects; throws with stderr when it fails. */
export async function generate(name: string, args: readonly string[], env: Readonly<Record<string, string>> = {}) {
  const { code, out, err } = await capstan(['generate', 'cluster', name, ...args], env);
  if (code !== 0) throw new Error(`capstan generate cluster failed (${code}): ${err}`);
  return { yaml: out, objects: documentsOf(out) };
}
