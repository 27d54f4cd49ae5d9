// Options of the Proxmox simulator, their defaults and their validation.
import { z } from 'zod';
import type { VmHook, VmHookEvent } from './core/vm-hooks.ts';
import { defaultTiming } from './timing.ts';
import type { SimTiming } from './timing.ts';

/** A template VM created in a fresh cluster. */
export interface SimTemplateOptions {
  readonly vmid: number;
  readonly name: string;
  readonly node: string;
  readonly storage: string;
  readonly diskGiB: number;
  readonly memoryMiB?: number;
  readonly cores?: number;
  readonly tags?: readonly string[];
  /** Whether the template enables the QEMU guest agent (default true). */
  readonly agent?: boolean;
}

/** How to start the simulator; everything is optional. */
export interface ProxmoxSimOptions {
  /** Loopback address to listen on (default 127.0.0.1; other addresses are refused). */
  readonly host?: string;
  /** Port (default 0: a free one). */
  readonly port?: number;
  /** Persist the cluster here and continue from it on the next start. */
  readonly stateFile?: string;
  /** Append every event to this JSONL file (and continue its sequence on restart). */
  readonly eventLogFile?: string;
  /** Accepted API tokens (default: `capstan@pve!capstan` with a random UUID secret). */
  readonly tokens?: readonly { readonly id: string; readonly secret: string }[];
  /** Cluster nodes (default pve1..pve3, 64 GiB, 16 CPUs each). */
  readonly nodes?: readonly { readonly name: string; readonly memoryMiB: number; readonly cpus: number }[];
  /** Storages (default `local-lvm` per node, 512 GiB, and shared `ceph`, 2 TiB). */
  readonly storages?: readonly {
    readonly name: string;
    readonly shared: boolean;
    readonly capacityGiB: number;
    readonly content?: readonly string[];
  }[];
  /** Templates of a fresh cluster (default: 9000 `talos-v1.11.5` on pve1, storage ceph, tag talos). */
  readonly templates?: readonly SimTemplateOptions[];
  /** Durations in ms at scale 1. */
  readonly timing?: Partial<SimTiming>;
  /** Multiplies every duration (tests use 0.001–0.01). */
  readonly scale?: number;
  /** Makes MACs, UUIDs, pids, default token secret and random faults repeatable. */
  readonly seed?: number;
  /** Hooks registered before a saved state is loaded, so they also see VMs that were running. */
  readonly hooks?: Partial<Record<VmHookEvent, VmHook>>;
}

const loopback = /^(?:127(?:\.\d{1,3}){3}|::1|localhost)$/;

const optionsSchema = z.object({
  host: z.string().regex(loopback, 'the simulator only listens on loopback addresses').default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  tokens: z
    .array(
      z.object({
        id: z.string().regex(/^[^@\s]+@[^!\s]+![^=\s]+$/, 'token id must look like USER@REALM!TOKENID'),
        secret: z.string().regex(/^\S+$/),
      }),
    )
    .min(1)
    .optional(),
  nodes: z
    .array(
      z.object({
        name: z.string().regex(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/),
        memoryMiB: z.number().positive(),
        cpus: z.number().int().positive(),
      }),
    )
    .min(1)
    .default(['pve1', 'pve2', 'pve3'].map((name) => ({ name, memoryMiB: 65536, cpus: 16 }))),
  storages: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z][a-z0-9\-_.]*[a-z0-9]$/i),
        shared: z.boolean(),
        capacityGiB: z.number().positive(),
        content: z.array(z.string()).optional(),
      }),
    )
    .min(1)
    .default([
      { name: 'local-lvm', shared: false, capacityGiB: 512, content: ['images', 'rootdir'] },
      { name: 'ceph', shared: true, capacityGiB: 2048, content: ['images'] },
    ]),
  templates: z
    .array(
      z.object({
        vmid: z.number().int().min(100).max(999_999_999),
        name: z.string(),
        node: z.string(),
        storage: z.string(),
        diskGiB: z.number().positive(),
        memoryMiB: z.number().int().min(16).optional(),
        cores: z.number().int().positive().optional(),
        tags: z.array(z.string()).optional(),
        agent: z.boolean().optional(),
      }),
    )
    .default([{ vmid: 9000, name: 'talos-v1.11.5', node: 'pve1', storage: 'ceph', diskGiB: 10, tags: ['talos'] }]),
  timing: z.record(z.string(), z.number().nonnegative()).optional(),
  scale: z.number().positive().default(1),
  seed: z.number().int().optional(),
  stateFile: z.string().optional(),
  eventLogFile: z.string().optional(),
});

/** Options with defaults filled in. */
export type ResolvedOptions = Omit<z.output<typeof optionsSchema>, 'timing' | 'seed' | 'tokens'> & {
  readonly timing: SimTiming;
  readonly seed: number;
  readonly tokens: { id: string; secret: string }[] | undefined;
  readonly hooks: Partial<Record<VmHookEvent, VmHook>>;
};

/** Validates options and fills in defaults; throws a readable error for bad options. */
export function resolveOptions(options: ProxmoxSimOptions): ResolvedOptions {
  const { hooks, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) throw new Error(`proxmox sim: invalid options: ${z.prettifyError(parsed.error)}`);
  const value = parsed.data;
  const unknownTiming = Object.keys(value.timing ?? {}).filter((key) => !(key in defaultTiming));
  if (unknownTiming.length > 0) throw new Error(`proxmox sim: unknown timing keys: ${unknownTiming.join(', ')}`);
  for (const template of value.templates) {
    if (!value.nodes.some((n) => n.name === template.node))
      throw new Error(`proxmox sim: template ${template.vmid} is on unknown node '${template.node}'`);
    if (!value.storages.some((s) => s.name === template.storage))
      throw new Error(`proxmox sim: template ${template.vmid} uses unknown storage '${template.storage}'`);
  }
  return {
    ...value,
    timing: { ...defaultTiming, ...(value.timing as Partial<SimTiming> | undefined) },
    seed: value.seed ?? Math.floor(Math.random() * 2 ** 31),
    tokens: value.tokens,
    hooks: hooks ?? {},
  };
}

/** The default token, with the given (UUID) secret. */
export function defaultToken(secret: string): { id: string; secret: string } {
  return { id: 'capstan@pve!capstan', secret };
}
