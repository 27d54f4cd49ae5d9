// /cluster/resources reads guest stats from RRD data that pvestatd refreshes every few
// seconds, so it lags behind the real state. This keeps a short history per VM to answer
// "what did the stats say `lag` ms ago".
import type { VmState } from './state.ts';

/** What the RRD data knows about a guest. */
export interface GuestSample {
  readonly name?: string;
  readonly status: 'running' | 'stopped';
  readonly startedAt?: number;
}

/** History of guest samples. */
export interface LaggedStats {
  /** Records the current state of every VM (only changes are stored). */
  record(now: number, vms: Iterable<VmState>): void;
  /** The sample that was current at time `at`, or undefined if the VM was not yet known. */
  view(vmid: number, at: number): GuestSample | undefined;
}

const keepPerVm = 32;

/** An empty history. */
export function createLaggedStats(): LaggedStats {
  const history = new Map<number, { at: number; sample: GuestSample }[]>();
  return {
    record: (now, vms) => {
      const seen = new Set<number>();
      for (const vm of vms) {
        seen.add(vm.vmid);
        const name = vm.config['name'];
        const sample: GuestSample = {
          ...(name === undefined ? {} : { name }),
          status: vm.status,
          ...(vm.startedAt === undefined ? {} : { startedAt: vm.startedAt }),
        };
        const list = history.get(vm.vmid) ?? [];
        const last = list.at(-1)?.sample;
        if (last !== undefined && last.name === sample.name && last.status === sample.status && last.startedAt === sample.startedAt)
          continue;
        list.push({ at: now, sample });
        if (list.length > keepPerVm) list.shift();
        history.set(vm.vmid, list);
      }
      for (const vmid of history.keys()) if (!seen.has(vmid)) history.delete(vmid);
    },
    view: (vmid, at) => {
      const list = history.get(vmid) ?? [];
      let found: GuestSample | undefined;
      for (const entry of list) if (entry.at <= at) found = entry.sample;
      return found;
    },
  };
}
