// Options of the Talos simulator and the contract for the kube-apiserver it is given.
import type { ProxmoxSim } from '../proxmox/index.ts';
import type { WorkloadOptions } from './k8s/workloads.ts';
import type { TalosSimTiming } from './timing.ts';

/** What the simulator asks of a kube-apiserver for one simulated cluster. */
export interface KubeApiserverStartRequest {
  /** The Talos cluster name (for logs and the etcd prefix). */
  readonly clusterName: string;
  /** Listen here (the simulator forwards the control-plane endpoint to it). */
  readonly bindAddress: string;
  readonly port: number;
  /** Serving certificate, signed by the cluster's Kubernetes CA, with the endpoint's IP SAN. */
  readonly servingCertPem: string;
  readonly servingKeyPem: string;
  /** Accept client certificates signed by this CA (`--client-ca-file`): the cluster's Kubernetes CA. */
  readonly clientCaPem: string;
  /** A directory of its own (keys, logs). */
  readonly dataDir: string;
}

/**
 * What the simulator may do to a cluster's data when the cluster's etcd is its own: the state
 * etcd disaster recovery needs (quorum lost for good, then a restore from a snapshot).
 */
export interface OwnClusterEtcd {
  /** `etcdutl snapshot status` of the file: rejects with etcdutl's error when it is not an etcd snapshot db. */
  verify(snapshotFile: string): Promise<void>;
  /** Every member's data is gone: etcd (and the apiserver that needs it) stops, its data directory is deleted. */
  destroyData(): Promise<void>;
  /**
   * `etcdutl snapshot restore` of the file into a fresh data directory, then etcd and the apiserver
   * start again on it (same URL). Rejects with etcdutl's own error (bad hash, missing hash, not a db).
   */
  restore(snapshotFile: string, options: { readonly skipHashCheck: boolean }): Promise<void>;
  /** A Bootstrap without a snapshot after the data was lost: etcd and the apiserver start again on an empty data directory. */
  startEmpty(): Promise<void>;
}

/** The real etcd behind a simulated cluster's kube-apiserver. */
export interface SimClusterEtcd {
  /** etcd's own snapshot, in the chunks etcd streams: a bbolt db followed by etcd's sha256 trailer. */
  snapshot(): AsyncIterable<Buffer>;
  /** Undefined when one etcd holds several clusters' data (a fleet's shared etcd): it can be neither wiped nor restored per cluster. */
  readonly own?: OwnClusterEtcd;
}

/** A kube-apiserver the starter brought up. */
export interface StartedKubeApiserver {
  /** `https://<bindAddress>:<port>`. */
  readonly url: string;
  /** Process ids (apiserver, and etcd when it is its own), for memory accounting; the live ones after a destroy or restore. */
  pids(): readonly number[];
  /** The etcd holding this cluster's objects. */
  readonly etcd: SimClusterEtcd;
  stop(): Promise<void>;
}

/** Starts a kube-apiserver; injected so sim/ never imports the test harness. */
export type KubeApiserverStarter = (request: KubeApiserverStartRequest) => Promise<StartedKubeApiserver>;

/** How to start the Talos simulator. */
export interface TalosSimOptions {
  /** The Proxmox simulator whose VMs become Talos nodes. */
  readonly proxmox: ProxmoxSim;
  /** Starts each bootstrapped cluster's real kube-apiserver. */
  readonly startKubeApiserver: KubeApiserverStarter;
  /** Per-cluster apiserver directories live under `<dataDir>/clusters/`. */
  readonly dataDir: string;
  /** Multiplies every duration (tests use ~0.01). */
  readonly scale?: number;
  /** Durations in ms at scale 1. */
  readonly timing?: Partial<TalosSimTiming>;
  /** Makes member ids, actor ids and pod names repeatable. */
  readonly seed?: number;
  /** The Talos version of the boot media (maintenance mode), unless a VM tag `talos-vX.Y.Z` says otherwise (default v1.11.5). */
  readonly bootVersion?: string;
  /**
   * Light mode: the starter runs one kube-apiserver for every cluster (as
   * createSharedSimKubeApiserver does), so each cluster's kubelets and controllers act only on
   * the Nodes and pods that are its own, and its sample workload gets a namespace of its own.
   * Hostnames must be unique across clusters. Default false: an apiserver per cluster.
   */
  readonly sharedKubernetes?: boolean;
  /** Size of the sample workload each cluster gets. */
  readonly workload?: WorkloadOptions;
  /** Also append every event to this JSONL file. */
  readonly eventLogFile?: string;
  /** Persist nodes and etcd here and continue from it on the next start (npm start). */
  readonly stateFile?: string;
  /**
   * Control-plane endpoints (`host:port`, host in 127.0.0.0/8) where the user runs a load balancer
   * of their own: the simulator plays it, forwarding to the cluster's API while one of its control
   * planes runs. Any other endpoint answers only at a shared IP (`vip`) a control plane holds.
   */
  readonly externalLoadBalancers?: readonly string[];
  /**
   * The time apid judges client certificates by and issues admin kubeconfigs at, in ms since the
   * epoch (default: the wall clock). Tests with Temporal's time skipping pass the test server's
   * time, which only ever runs ahead of the wall clock.
   */
  readonly clock?: () => number;
}
