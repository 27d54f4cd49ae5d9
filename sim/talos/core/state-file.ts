// Persistence for `npm start`: nodes (their applied configs, versions, etcd data dirs) and the
// etcd clusters, written atomically after changes, so a restart resumes where it stopped
// (the Proxmox simulator replays its running VMs and their nodes boot with their configs).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { parseMachineConfig } from '../config/machine-config.ts';
import type { SimMachineConfig } from '../config/machine-config.ts';
import { registerConfig } from './clusters.ts';
import type { TalosContext } from './context.ts';

const etcd = z.object({
  state: z.enum(['empty', 'member', 'left', 'recovering', 'failed']),
  failure: z.string().optional(),
  etcdClusterId: z.string().optional(),
  memberId: z.string().optional(),
});
const member = z.object({
  id: z.string(),
  vmid: z.number(),
  address: z.string(),
  hostname: z.string(),
  learner: z.boolean(),
  addedAt: z.number(),
});
const fileSchema = z.object({
  version: z.literal(1),
  nodes: z.array(
    z.object({
      vmid: z.number(),
      address: z.string(),
      pveNode: z.string(),
      bootVersion: z.string(),
      talosVersion: z.string(),
      config: z.string().optional(),
      staged: z.object({ config: z.string().optional(), upgradeImage: z.string().optional() }),
      etcd,
    }),
  ),
  clusters: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      etcdClusters: z.array(
        z.object({
          id: z.string(),
          createdAt: z.number(),
          bootstrappedBy: z.string(),
          members: z.array(member),
          leaderId: z.string().optional(),
          quorum: z.boolean(),
          revision: z.number(),
          raftTerm: z.number().optional(),
        }),
      ),
    }),
  ),
});

/** Writes the state now (atomically: temp file, then rename). */
export function saveState(ctx: TalosContext, file: string): void {
  const state: z.input<typeof fileSchema> = {
    version: 1,
    nodes: [...ctx.nodes.values()].map((node) => ({
      vmid: node.vmid,
      address: node.address,
      pveNode: node.pveNode,
      bootVersion: node.bootVersion,
      talosVersion: node.talosVersion,
      ...(node.config === undefined ? {} : { config: node.config.raw }),
      staged: {
        ...(node.staged.config === undefined ? {} : { config: node.staged.config.raw }),
        ...(node.staged.upgradeImage === undefined ? {} : { upgradeImage: node.staged.upgradeImage }),
      },
      etcd: node.etcd,
    })),
    clusters: [...ctx.clusters.values()].map((cluster) => ({
      key: cluster.key,
      name: cluster.name,
      etcdClusters: cluster.etcdClusters.map((ec) => ({
        ...ec,
        members: ec.members.map((m) => ({
          id: m.id,
          vmid: m.vmid,
          address: m.address,
          hostname: m.hostname,
          learner: m.learner,
          addedAt: m.addedAt,
        })),
      })),
    })),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 1));
  renameSync(`${file}.tmp`, file);
}

function config(raw: string | undefined): SimMachineConfig | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseMachineConfig(raw);
  return parsed.ok ? parsed.config : undefined;
}

/** Restores nodes (all down until their VM is replayed as running) and clusters from `file`, if it exists. */
export function loadState(ctx: TalosContext, file: string): void {
  if (!existsSync(file)) return;
  const state = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  for (const saved of state.nodes) {
    const applied = config(saved.config);
    const staged = config(saved.staged.config);
    if (applied !== undefined) registerConfig(ctx, applied);
    ctx.nodes.set(saved.vmid, {
      vmid: saved.vmid,
      address: saved.address,
      pveNode: saved.pveNode,
      stage: 'down',
      bootVersion: saved.bootVersion,
      talosVersion: saved.talosVersion,
      ...(applied === undefined ? {} : { config: applied }),
      staged: {
        ...(staged === undefined ? {} : { config: staged }),
        ...(saved.staged.upgradeImage === undefined ? {} : { upgradeImage: saved.staged.upgradeImage }),
      },
      etcd: saved.etcd,
      epoch: 0,
    });
  }
  for (const saved of state.clusters) {
    const cluster = ctx.clusters.get(saved.key);
    if (cluster === undefined) continue;
    cluster.name = saved.name;
    // State files written before raft terms were kept start at the term a fresh cluster has.
    cluster.etcdClusters = saved.etcdClusters.map((ec) => ({ ...ec, raftTerm: ec.raftTerm ?? 2 }));
  }
  // Every node is down until its VM is replayed: quorum is re-evaluated from there.
  for (const cluster of ctx.clusters.values()) for (const ec of cluster.etcdClusters) ec.quorum = false;
}
