// The shortest provision the infrastructure allows, from the simulators' configured delays.
//
// Dependencies (checked against sim/proxmox and sim/talos):
// - every VM: clone (at most `cloneSlots` at once; control planes first, they head the longest
//   chain) → tag + configure → start → maintenance → apply config → install → services ready;
// - first control plane: Bootstrap once its services are ready → the Kubernetes API answers after
//   its kube-apiserver starts (a real process in the sim, not a configured delay: measured, passed
//   in as `apiserverStartMs`);
// - other control planes: etcd join (etcdJoin, then learnerPromotion) from max(own services ready,
//   bootstrap, previous member promoted). Real etcd admits one learner at a time (max-learners 1,
//   Talos retries MemberAddAsLearner); the Talos sim does not enforce that and would let joins
//   overlap, so this path is the real system's, slightly longer than what the sim allows;
// - every Node (control planes too): Ready at max(services ready + nodeReady, API up). The sim's
//   kubelet counts nodeReady from its services ready and registers an already Ready Node once
//   the API answers (sim/talos/k8s/kubelet-views.ts); the brief's max(services ready, API up) +
//   nodeReady would count nodeReady twice for a worker that waited for the API;
// - done when every Node is Ready and every control plane is a voting member.
// Not counted: the sim's kubelet pass interval and activity polling (that is the overhead measured).
import type { InfraDelays } from './infra-delays.ts';
import { cloneEnds, cloneToServicesReady } from './machine-path.ts';

/** What is provisioned. */
export interface ProvisionShape {
  readonly controlPlanes: number;
  readonly workers: number;
  /** Clones at once per storage across all workers (proxmox-activities.ts default: 2). */
  readonly cloneSlots: number;
  /** Bootstrap → Kubernetes API answering, measured (0 when only configured delays count). */
  readonly apiserverStartMs?: number;
}

/** The critical path and the milestones it is made of, in ms from the provision's start. */
export interface ProvisionPath {
  readonly totalMs: number;
  readonly bootstrapAt: number;
  readonly apiUpAt: number;
  /** Per control plane (in build order): when it became a voting member. */
  readonly votingAt: readonly number[];
  /** Every machine's Node Ready, control planes first. */
  readonly nodeReadyAt: readonly number[];
}

/** Computes the provision's critical path. */
export function provisionCriticalPath(d: InfraDelays, shape: ProvisionShape): ProvisionPath {
  if (shape.controlPlanes < 1) throw new Error('a cluster needs at least one control plane');
  const clones = cloneEnds(shape.controlPlanes + shape.workers, shape.cloneSlots, d.clone);
  const servicesReadyAt = clones.map((end) => end + cloneToServicesReady(d));
  const bootstrapAt = servicesReadyAt[0] ?? 0;
  const apiUpAt = bootstrapAt + (shape.apiserverStartMs ?? 0);
  const votingAt = [bootstrapAt];
  for (let i = 1; i < shape.controlPlanes; i += 1) {
    const joinFrom = Math.max(servicesReadyAt[i] ?? 0, votingAt[i - 1] ?? 0);
    votingAt.push(joinFrom + d.etcdJoin + d.learnerPromotion);
  }
  const nodeReadyAt = servicesReadyAt.map((at) => Math.max(at + d.nodeReady, apiUpAt));
  return { totalMs: Math.max(...votingAt, ...nodeReadyAt), bootstrapAt, apiUpAt, votingAt, nodeReadyAt };
}
