// The one invariant checker every workflow test asserts: it reads the simulators' event logs
// (what happened to VMs, etcd and nodes) rather than trusting the workflows' own account.
import { availabilityViolations, type AvailabilityRule } from './worker-availability.ts';

export type { AvailabilityRule } from './worker-availability.ts';

/** The fields of a Proxmox simulator event the checker reads. */
export interface VmEvent {
  readonly seq: number;
  readonly type: string;
  readonly vmid?: number;
  readonly name?: string;
}

/** The fields of a Talos simulator event the checker reads. */
export interface TalosEvent {
  readonly seq: number;
  readonly type: string;
  readonly cluster?: string;
  /** The node's hostname, which is also its Kubernetes Node name. */
  readonly hostname?: string;
  readonly vmid?: number;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** Which cluster to judge, and whether it should be gone by the end. */
export interface InvariantScope {
  /** The cluster's name: its VMs are named `<cluster>-…`, its Talos events carry it. */
  readonly cluster: string;
  /**
   * The cluster was deleted, starting after this Talos event: none of its VMs may be left, and
   * quorum lost after that point is the deletion itself, not a fault.
   */
  readonly deletedAfterTalosEvent?: number;
  /**
   * Worker availability the strategy promises (one rule per MachineDeployment, say); judged up
   * to the delete when there is one.
   */
  readonly availability?: AvailabilityRule | readonly AvailabilityRule[];
}

/** Every violated invariant, in words; empty when all hold. */
export function invariantViolations(vmEvents: readonly VmEvent[], talosEvents: readonly TalosEvent[], scope: InvariantScope): string[] {
  const violations: string[] = [];
  const ours = (name: string | undefined): name is string => name?.startsWith(`${scope.cluster}-`) ?? false;
  const live = new Map<number, string>();
  for (const event of [...vmEvents].sort((a, b) => a.seq - b.seq)) {
    if (event.vmid === undefined) continue;
    if (event.type === 'vm.created' && ours(event.name)) {
      const twin = [...live.entries()].find(([, name]) => name === event.name);
      if (twin) violations.push(`VM ${event.vmid} was created for ${event.name}, which already had VM ${twin[0]}`);
      live.set(event.vmid, event.name);
    }
    if (event.type === 'vm.destroyed') live.delete(event.vmid);
  }
  const deleted = scope.deletedAfterTalosEvent !== undefined;
  if (deleted && live.size > 0) {
    violations.push(`after the delete these VMs are left: ${[...live.entries()].map(([id, name]) => `${id} (${name})`).join(', ')}`);
  }
  for (const event of talosEvents.filter((e) => e.cluster === scope.cluster)) {
    const duringDelete = deleted && event.seq > (scope.deletedAfterTalosEvent ?? 0);
    if (event.type === 'etcd.quorum-lost' && !duringDelete)
      violations.push(`etcd quorum of ${scope.cluster} was lost (event ${event.seq})`);
    if (event.type === 'etcd.split-brain')
      violations.push(`etcd of ${scope.cluster} was bootstrapped twice: split brain (event ${event.seq})`);
  }
  const rules: readonly AvailabilityRule[] = scope.availability === undefined ? [] : ([] as AvailabilityRule[]).concat(scope.availability);
  for (const rule of rules) violations.push(...availabilityViolations(talosEvents, scope.cluster, rule, scope.deletedAfterTalosEvent));
  return violations;
}
