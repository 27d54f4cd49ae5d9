// Simulated durations of a Talos node's life, in ms at scale 1 (roughly what a Talos VM on
// Proxmox takes). The simulator multiplies them by `scale`; tests run at ~0.01.

/** How long simulated Talos operations take, in ms at scale 1. */
export interface TalosSimTiming {
  /** VM started → apid answers (maintenance or configured boot). */
  readonly boot: number;
  /** Config applied in maintenance → installed, rebooted, apid answers with mTLS. */
  readonly install: number;
  /** Reboot request (or a REBOOT apply) → apid answers again. */
  readonly reboot: number;
  /** Upgrade acknowledged → the node answers with the new version. */
  readonly upgrade: number;
  /** apid answers → CRI healthy: Bootstrap possible, kubelet started. */
  readonly servicesReady: number;
  /** kubelet started → its Node is Ready. */
  readonly nodeReady: number;
  /** A control-plane node with an empty etcd data dir → added as a learner. */
  readonly etcdJoin: number;
  /** Learner added → promoted to voter. */
  readonly learnerPromotion: number;
  /** A pod bound to a node → Running and Ready. */
  readonly podStart: number;
  /** How often the simulated kubelets and controllers look at each cluster (floored at 50 real ms). */
  readonly controllerInterval: number;
  /** How long the apiserver keeps an eviction in a PDB's disruptedPods (2 min in Kubernetes). */
  readonly disruptedPodTimeout: number;
  /**
   * A kubelet silent this long → its Node goes Ready=Unknown (kube-controller-manager
   * --node-monitor-grace-period: 50 s since Kubernetes 1.32, 40 s before).
   */
  readonly nodeMonitorGracePeriod: number;
  /**
   * A shared-IP holder that stops without resigning (power cut, etcd member removed or left, cut
   * off from its peers) keeps its election key until its etcd session lease expires: the TTL of
   * clientv3 concurrency sessions, 60 s (Talos' vip.go). A graceful stop resigns at once.
   */
  readonly sharedIpLeaseTtl: number;
}

/** Realistic durations. */
export const defaultTalosTiming: TalosSimTiming = {
  boot: 15_000,
  install: 60_000,
  reboot: 45_000,
  upgrade: 90_000,
  servicesReady: 5_000,
  nodeReady: 20_000,
  etcdJoin: 10_000,
  learnerPromotion: 15_000,
  podStart: 3_000,
  controllerInterval: 1_000,
  disruptedPodTimeout: 120_000,
  nodeMonitorGracePeriod: 50_000,
  sharedIpLeaseTtl: 60_000,
};
