// What the planners (plan/) decide and what the cluster workflow's `plan` query answers: plain
// JSON the workflows, the controller and the CLI all read, so it lives below all of them.

/** The Kubernetes version of the control plane and the installed Talos version. */
export interface ClusterVersions {
  readonly kubernetes: string;
  readonly talos: string;
}

/**
 * One MachineDeployment's move within a workers hop: its kubelets `from` → `to`, and its Talos.
 * A replaced (RollingUpdate) group's new machines get the Talos of that point of the upgrade, so
 * its Talos changes here; an InPlace group's Talos moves in the Talos hops, so it stays the same.
 */
export interface WorkerMove {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** Absent in plans made before groups kept their own Talos: the control plane's Talos of that point. */
  readonly talos?: { readonly from: string; readonly to: string };
}

/** One step of a chained upgrade, in order; `description` is what the dry run and progress show. */
export type UpgradeHop =
  | { readonly kind: 'snapshot-etcd'; readonly description: string }
  /** Talos on the control plane and InPlace workers; replaced workers keep theirs until their own move. */
  | { readonly kind: 'talos'; readonly from: string; readonly to: string; readonly description: string }
  | { readonly kind: 'control-plane'; readonly from: string; readonly to: string; readonly description: string }
  | { readonly kind: 'workers'; readonly deployments: readonly WorkerMove[]; readonly description: string };

/** A machine a step acts on: one that exists, or the n-th one this plan creates (1-based). */
export type MachineRef = { readonly name: string } | { readonly created: number };

/** One step of a control-plane change, in order; plain JSON so it can live in workflow state. */
export type ControlPlaneStep =
  | { readonly kind: 'snapshot-etcd' }
  | { readonly kind: 'create-machine'; readonly role: 'control-plane'; readonly created: number }
  /** Node Ready and etcd member promoted and healthy. */
  | { readonly kind: 'wait-healthy'; readonly machine: MachineRef }
  | { readonly kind: 'forfeit-leadership'; readonly machine: string }
  /** A healthy member leaves by itself (Talos EtcdLeaveCluster on that node). */
  | { readonly kind: 'leave-etcd'; readonly machine: string }
  /** An unhealthy member cannot leave by itself: a healthy member removes it (EtcdRemoveMemberByID). */
  | { readonly kind: 'remove-etcd-member'; readonly machine: string }
  | { readonly kind: 'delete-machine'; readonly machine: string };

/** A VM carrying the cluster's owner marker that no Machine claims. */
export interface StrayVmRef {
  readonly name: string;
  readonly node: string;
  readonly vmid: number;
}

/** A batch of a rolling-update preview, with placeholder names for the machines it creates. */
export interface PreviewBatch {
  readonly create: readonly string[];
  readonly delete: readonly string[];
}

/** The operations the cluster workflow runs, one at a time, each as a child workflow. */
export type OperationKind =
  | 'provision'
  | 'repair'
  | 'delete'
  | 'upgrade'
  | 'scale-control-plane'
  | 'rollout-control-plane'
  | 'scale-machine-deployment'
  | 'rollout-machine-deployment'
  | 'etcd-restore'
  | 'none';

/** The chosen operation with what its workflow needs (hops, control-plane steps, batches, machines). */
export type Operation =
  | { readonly operation: 'none' | 'delete' }
  /** Builds the cluster from nothing; machines an earlier attempt left (none of them ever bootstrapped etcd) go first. */
  | { readonly operation: 'provision'; readonly leftovers: readonly string[] }
  /** Removes what failed or interrupted operations left: machines that never joined, machines being deleted, stray VMs. */
  | { readonly operation: 'repair'; readonly machines: readonly string[]; readonly strayVms: readonly StrayVmRef[] }
  | { readonly operation: 'upgrade'; readonly from: ClusterVersions; readonly to: ClusterVersions; readonly hops: readonly UpgradeHop[] }
  | {
      readonly operation: 'scale-control-plane' | 'rollout-control-plane';
      readonly from: number;
      readonly to: number;
      readonly controlPlaneSteps: readonly ControlPlaneStep[];
    }
  | {
      readonly operation: 'scale-machine-deployment';
      readonly deployment: string;
      readonly from: number;
      readonly to: number;
      readonly create: number;
      readonly delete: readonly string[];
    }
  | { readonly operation: 'rollout-machine-deployment'; readonly deployment: string; readonly batches: readonly PreviewBatch[] }
  /** Brings etcd back from a stored snapshot (an operator asks for it; never planned from a spec). */
  | { readonly operation: 'etcd-restore'; readonly snapshot?: string | undefined; readonly controlPlanes: readonly string[] };

/** What an operation does to one machine: the dry run's unit of time. */
export type MachineAction = 'replace' | 'upgrade-talos' | 'upgrade-kubernetes';

/** What an operation does to one existing machine: in place or replaced, from → to, and each action in order. */
export interface MachineChange {
  readonly name: string;
  readonly role: 'control-plane' | 'worker';
  readonly deployment?: string;
  /** The machine gives way to a new one (at least once); otherwise it is upgraded where it is. */
  readonly replaced: boolean;
  readonly from: ClusterVersions;
  readonly to: ClusterVersions;
  readonly actions: readonly MachineAction[];
}

/**
 * One stretch of an operation that runs on its own: `action` on each of `machines`, `parallel` at
 * a time (a rolling update's maxSurge + maxUnavailable; 1 for control planes and InPlace groups).
 * Stages run one after another, so their durations add up.
 */
export interface PlanStage {
  readonly description: string;
  readonly action: MachineAction | 'snapshot-etcd';
  readonly machines: readonly string[];
  readonly parallel: number;
}

/** The next operation with its human-readable steps ("step i of n"), or the operation that is refused and why. */
export type ClusterPlan =
  | ({
      readonly ok: true;
      readonly summary: string;
      readonly steps: readonly string[];
      /** Per existing machine, for operations that change machines (upgrades, rollouts). */
      readonly machineChanges?: readonly MachineChange[];
      /** The operation's stages in order, for the dry run's duration estimate. */
      readonly stages?: readonly PlanStage[];
    } & Operation)
  | { readonly ok: false; readonly operation: OperationKind; readonly reason: string };
