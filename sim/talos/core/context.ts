// Everything the simulator's parts share, passed explicitly instead of module globals.
import type { ProxmoxSim } from '../../proxmox/index.ts';
import type { TalosSimTiming } from '../timing.ts';
import type { TalosEventLogWriter } from './event-log.ts';
import type { TalosFaultState } from './faults.ts';
import type { Random } from '../../common/random.ts';
import type { SimCluster, SimNode } from './state.ts';
import type { Timers } from '../../common/timers.ts';

/** How apid is brought up and down on a node's address. */
export interface NodeNetwork {
  /** Serves apid: anonymous TLS in maintenance, mTLS with the OS CA once configured; false when it could not (or the node moved on). */
  serve(node: SimNode, mode: 'maintenance' | 'configured'): Promise<boolean>;
  /** Stops apid; open connections drop. */
  unserve(node: SimNode): Promise<void>;
}

/** The real etcd behind each bootstrapped cluster's kube-apiserver (the kube manager provides it). */
export interface ClusterEtcdAccess {
  /** etcd's own snapshot of the cluster's data, in etcd's chunks as they come; fails when the cluster has no running etcd. */
  snapshot(cluster: SimCluster): AsyncIterable<Buffer>;
  /** false when one etcd holds every cluster's data (no per-cluster restore); undefined before the apiserver started. */
  ownsEtcd(cluster: SimCluster): boolean | undefined;
  /**
   * Checks (`etcdutl snapshot status`) and restores (`etcdutl snapshot restore`) the cluster's etcd
   * from a snapshot file and restarts its apiserver on it; `adopt` runs right after success, before
   * anything else looks at the cluster. A refused snapshot rejects with a RecoveryFailure.
   */
  restore(cluster: SimCluster, snapshotFile: string, skipHashCheck: boolean, adopt: () => void): Promise<void>;
  /** Starts the cluster's lost etcd again, empty (a plain Bootstrap after quorum was lost for good); the API waits for it. */
  startEmpty(cluster: SimCluster): void;
}

/** The shared simulator context. */
export interface TalosContext {
  readonly nodes: Map<number, SimNode>;
  readonly clusters: Map<string, SimCluster>;
  readonly events: TalosEventLogWriter;
  readonly faults: TalosFaultState;
  readonly timers: Timers;
  readonly random: Random;
  readonly proxmox: ProxmoxSim;
  readonly network: NodeNetwork;
  readonly clusterEtcd: ClusterEtcdAccess;
  /** The simulator's own folder (uploaded etcd snapshots live under `nodes/`). */
  readonly dataDir: string;
  timing: TalosSimTiming;
  readonly scale: number;
  /** The talos version a VM boots from when nothing says otherwise. */
  readonly bootVersion: string;
  /** The simulated time (ms since the epoch) certificates are judged by and issued at. */
  now(): number;
  /** A scaled duration in real ms. */
  ms(key: keyof TalosSimTiming): number;
  /** Re-evaluates derived state (etcd quorum and joins, Kubernetes API, certificates) after any change. */
  changed(): void;
  /** Whether stop() has begun. */
  stopped(): boolean;
}

/** The node at an address, if any VM has it. */
export function nodeAt(ctx: TalosContext, address: string): SimNode | undefined {
  for (const node of ctx.nodes.values()) if (node.address === address) return node;
  return undefined;
}
