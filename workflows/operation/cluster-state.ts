import type { ObservedCluster, ObservedMachine } from '../../api/observed-cluster.ts';

/**
 * An operation's view of the cluster: the observation it was planned from, replaced by a new
 * observation wherever the operation decides something, and kept current in between with what the
 * operation's own steps did. A cache, never the record: the inventory is in the management cluster.
 */
export class ClusterState {
  private current: ObservedCluster;

  constructor(observed: ObservedCluster) {
    this.current = observed;
  }

  get observed(): ObservedCluster {
    return this.current;
  }

  machines(predicate: (m: ObservedMachine) => boolean = () => true): ObservedMachine[] {
    return this.current.machines.filter(predicate);
  }

  machine(name: string): ObservedMachine | undefined {
    return this.current.machines.find((m) => m.name === name);
  }

  /** Live control planes with an address, in a stable order (for talosconfig endpoints and etcd calls). */
  controlPlanes(): ObservedMachine[] {
    return this.machines((m) => m.role === 'control-plane' && m.phase !== 'Deleting' && m.address !== undefined);
  }

  /** A new observation replaces everything this view held. */
  replace(observed: ObservedCluster): void {
    this.current = observed;
  }

  put(machine: ObservedMachine): void {
    const others = this.current.machines.filter((m) => m.name !== machine.name);
    this.current = { ...this.current, machines: [...others, machine] };
  }

  update(name: string, change: Partial<ObservedMachine>): void {
    const machine = this.machine(name);
    if (machine) this.put({ ...machine, ...change });
  }

  remove(name: string): void {
    this.current = { ...this.current, machines: this.current.machines.filter((m) => m.name !== name) };
  }
}
