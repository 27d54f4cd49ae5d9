// Talos clusters are not declared anywhere: they form from the configs nodes accept. Nodes of
// one cluster share the OS CA (worker configs do not even carry the cluster name).
import { createHash } from 'node:crypto';
import type { SimMachineConfig } from '../config/machine-config.ts';
import type { TalosContext } from './context.ts';
import type { SimCluster, SimNode } from './state.ts';

/** The registry key of the cluster a config belongs to. */
export function clusterKeyOf(config: SimMachineConfig): string {
  return createHash('sha256').update(config.osCa.certPem).digest('hex').slice(0, 16);
}

/** Records what an accepted config tells about its cluster (control planes carry the CA keys). */
export function registerConfig(ctx: TalosContext, config: SimMachineConfig): SimCluster {
  const key = clusterKeyOf(config);
  const existing = ctx.clusters.get(key);
  const cp = config.machineType === 'controlplane';
  if (existing === undefined) {
    const cluster: SimCluster = {
      key,
      name: config.clusterName ?? `cluster-${key.slice(0, 8)}`,
      endpoint: config.endpoint,
      osCa: config.osCa,
      k8sCa: config.k8sCa,
      machineToken: config.machineToken,
      etcdClusters: [],
      apiAvailable: false,
      sharedIps: {},
    };
    ctx.clusters.set(key, cluster);
    return cluster;
  }
  if (cp) {
    // Control-plane configs are authoritative: they carry the keys workers do not get.
    if (config.osCa.keyPem !== undefined) existing.osCa = config.osCa;
    if (config.k8sCa.keyPem !== undefined) existing.k8sCa = config.k8sCa;
    existing.endpoint = config.endpoint;
    if (config.clusterName !== undefined) existing.name = config.clusterName;
    existing.machineToken = config.machineToken;
  }
  return existing;
}

/** The cluster of a configured node. */
export function clusterOf(ctx: TalosContext, node: SimNode): SimCluster | undefined {
  return node.config === undefined ? undefined : ctx.clusters.get(clusterKeyOf(node.config));
}

/**
 * The OS CA key a node signs its apid certificate with: its own (control planes), else what
 * trustd on a control plane of its cluster hands out — only for the right `machine.token`.
 */
export function osCaKeyFor(ctx: TalosContext, node: SimNode): string | undefined {
  const config = node.config;
  if (config === undefined) return undefined;
  if (config.osCa.keyPem !== undefined) return config.osCa.keyPem;
  const cluster = clusterOf(ctx, node);
  if (cluster?.osCa.keyPem === undefined || cluster.machineToken !== config.machineToken) return undefined;
  const trustdUp = [...ctx.nodes.values()].some(
    (other) => other.stage === 'running' && other.config?.machineType === 'controlplane' && clusterOf(ctx, other) === cluster,
  );
  return trustdUp ? cluster.osCa.keyPem : undefined;
}

/** The `cluster` field of an event about this node. */
export function clusterField(ctx: TalosContext, node: SimNode): { cluster?: string } {
  const name = clusterOf(ctx, node)?.name;
  return name === undefined ? {} : { cluster: name };
}

/** Drops clusters none of whose machines exist any more (every VM destroyed or wiped). */
export function forgetEmptyClusters(ctx: TalosContext): void {
  for (const key of ctx.clusters.keys()) {
    const inUse = [...ctx.nodes.values()].some((node) => node.config !== undefined && clusterKeyOf(node.config) === key);
    if (!inUse) ctx.clusters.delete(key);
  }
}
