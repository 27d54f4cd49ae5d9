// The shortest chained upgrade the infrastructure allows for a plan's hops, from the simulators'
// configured delays. The model:
// - control planes move one at a time (etcd quorum, the Talos VIP), every hop, and the next one
//   starts once the previous one's Node is Ready again (the sim's etcd health gate alone would let
//   it start as soon as the rebooted member answers, before its kubelet is back: not a safe upgrade);
//   - InPlace: a Talos hop is the Upgrade API's boot (upgrade) → services ready → Node Ready
//     (nodeReady); a Kubernetes hop is a machine-config apply without a reboot, which takes no
//     configured time in the sim (the kubelet re-registers at once);
//   - RollingUpdate: each control plane is replaced: a new VM to services ready, its etcd join and
//     promotion (its Node Ready, nodeReady, runs alongside), then the old one leaves and is destroyed;
// - workers are replaced once (RollingUpdate), straight to the final versions, which they may only
//   run once the control plane runs the final Kubernetes minor (a kubelet is never newer than its
//   apiserver): they start after the last Kubernetes hop of the control plane, and run alongside any
//   Talos hop the plan puts after it. Their own Talos hops in the plan cost nothing here: a fresh
//   worker boots the final Talos. ⌈N/s⌉ batches as in rolling-path.ts.
// So the path is: control-plane hops up to the last Kubernetes one, then max(worker replacement,
// the control plane's remaining Talos hops). The etcd snapshot has no configured delay.
import type { UpgradeHop } from '../../api/cluster-plan.ts';
import type { InfraDelays } from './infra-delays.ts';
import { cloneToServicesReady, removal } from './machine-path.ts';
import { rollingCriticalPath } from './rolling-path.ts';

/** The cluster the hops run on. */
export interface UpgradeShape {
  readonly controlPlanes: number;
  readonly controlPlaneStrategy: 'InPlace' | 'RollingUpdate';
  /** Workers of RollingUpdate MachineDeployments, all replaced with this surge. */
  readonly workers: number;
  readonly maxSurge: number;
  readonly cloneSlots: number;
}

/** The critical path of a chained upgrade, in ms, and its two parts. */
export interface UpgradePath {
  readonly totalMs: number;
  /** Control-plane hops up to and including the last Kubernetes hop. */
  readonly controlPlaneMs: number;
  /** All workers replaced once. */
  readonly workersMs: number;
}

/** One control plane through one hop. */
function controlPlaneHop(d: InfraDelays, hop: 'talos' | 'kubernetes', strategy: UpgradeShape['controlPlaneStrategy']): number {
  if (strategy === 'RollingUpdate') {
    const joined = d.clone + cloneToServicesReady(d) + Math.max(d.nodeReady, d.etcdJoin + d.learnerPromotion);
    return joined + removal(d);
  }
  return hop === 'talos' ? d.upgrade + d.servicesReady + d.nodeReady : 0;
}

/** Computes the upgrade's critical path for these hops (planUpgradePath's output). */
export function upgradeCriticalPath(d: InfraDelays, hops: readonly UpgradeHop[], shape: UpgradeShape): UpgradePath {
  const lastKubernetes = hops.map((h) => h.kind).lastIndexOf('control-plane');
  let controlPlaneMs = 0;
  let afterMs = 0;
  hops.forEach((hop, index) => {
    if (hop.kind !== 'talos' && hop.kind !== 'control-plane') return;
    const each = controlPlaneHop(d, hop.kind === 'talos' ? 'talos' : 'kubernetes', shape.controlPlaneStrategy);
    if (index <= lastKubernetes) controlPlaneMs += shape.controlPlanes * each;
    else afterMs += shape.controlPlanes * each;
  });
  const workersMs =
    shape.workers === 0 ? 0 : rollingCriticalPath(d, { replicas: shape.workers, maxSurge: shape.maxSurge, cloneSlots: shape.cloneSlots });
  return { totalMs: controlPlaneMs + Math.max(workersMs, afterMs), controlPlaneMs, workersMs };
}
