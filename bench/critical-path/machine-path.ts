// One new machine's path through the infrastructure, as the simulators run it: the pieces every
// critical path (provision, rolling update, upgrade) is built from.
import type { InfraDelays } from './infra-delays.ts';

/**
 * When each of `count` clones ends if all are asked for at 0 and at most `slots` run at once
 * (workflows/clone-slots-workflow.ts: per storage, and every VM here clones to one storage).
 */
export function cloneEnds(count: number, slots: number, clone: number): number[] {
  if (slots < 1) throw new Error('clone slots must be at least 1');
  return Array.from({ length: count }, (_, i) => (Math.floor(i / slots) + 1) * clone);
}

/**
 * From the clone's end to CRI healthy (services ready): the clone is tagged for its cluster (one
 * qmconfig, activities/proxmox/ensure-vm.ts), configured (qmconfig + resize), started (qmstart:
 * the Talos node starts booting when the VM runs), boots into maintenance, gets its config and
 * installs (install reboot), then its services come up.
 */
export function cloneToServicesReady(d: InfraDelays): number {
  return 2 * d.config + d.resize + d.start + d.boot + d.install + d.servicesReady;
}

/** Removing a machine once its replacement is Ready: cordon and drain (no configured delay), hard stop, lock, destroy. */
export function removal(d: InfraDelays): number {
  return d.stop + d.generic + d.destroy;
}

/**
 * A new worker from nothing to Node Ready while the Kubernetes API already answers. The sim's
 * kubelet posts Ready `nodeReady` after its services are ready (sim/talos/k8s/kubelet-views.ts).
 */
export function workerCreation(d: InfraDelays): number {
  return d.clone + cloneToServicesReady(d) + d.nodeReady;
}

/** One replacement of a worker: the new one to Node Ready, then the old one drained and destroyed. */
export function workerReplacement(d: InfraDelays): number {
  return workerCreation(d) + removal(d);
}

/**
 * A batch of `size` replacements started together: their clones share `cloneSlots`, and the
 * batch ends when the last new machine is Ready and its old one is gone.
 */
export function replacementBatch(d: InfraDelays, size: number, cloneSlots: number): number {
  const lastClone = cloneEnds(size, cloneSlots, d.clone).at(-1) ?? 0;
  return lastClone + cloneToServicesReady(d) + d.nodeReady + removal(d);
}
