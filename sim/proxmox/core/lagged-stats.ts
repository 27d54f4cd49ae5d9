// /cluster/resources reads guest stats from RRD data that pvestatd refreshes every few
// seconds, so it lags behind the real state. This keeps a short history per VM to answer
// "what did the stats say `lag` ms ago".
import { bootDiskBytes, cpuCount, memoryBytes } from './vm-metrics.ts';
import type { VmState } from './state.ts';

/** What the RRD data knows about a guest (PVE::API2Tools::extract_vm_stats reads these columns). */
export interface GuestSample {
  readonly name?: string;
  readonly status: 'running' | 'stopped';
  readonly startedAt?: number;
  readonly template: boolean;
  readonly maxcpu: number;
  /** Bytes. */
  readonly maxmem: number;
  /** Bytes of the boot disk. */
  readonly maxdisk: number;
}

/** History of guest samples. */
export interface LaggedStats {
  /** Records the current state of every VM (only changes are stored). */
  record(now: number, vms: Iterable<VmState>): void;
  /** The sample that was current at time `at`, or undefined if the VM was not yet known. */
  view(vmid: number, at: number): GuestSample | undefined;
}

const keepPerVm = 32;

function sampleOf(vm: VmState): GuestSample {
  const name = vm.config['name'];
  return {
    ...(name === undefined ? {} : { name }),
    status: vm.status,
    ...(vm.startedAt === undefined ? {} : { startedAt: vm.startedAt }),
    template: vm.config['template'] === '1',
    maxcpu: cpuCount(vm.config),
    maxmem: memoryBytes(vm.config),
    maxdisk: bootDiskBytes(vm.config),
  };
}

const same = (a: GuestSample, b: GuestSample): boolean =>
  a.name === b.name &&
  a.status === b.status &&
  a.startedAt === b.startedAt &&
  a.template === b.template &&
  a.maxcpu === b.maxcpu &&
  a.maxmem === b.maxmem &&
  a.maxdisk === b.maxdisk;

/** An empty history. */
export function createLaggedStats(): LaggedStats {
  const history = new Map<number, { at: number; sample: GuestSample }[]>();
  return {
    record: (now, vms) => {
      const seen = new Set<number>();
      for (const vm of vms) {
        seen.add(vm.vmid);
        const sample = sampleOf(vm);
        const list = history.get(vm.vmid) ?? [];
        const last = list.at(-1)?.sample;
        if (last !== undefined && same(last, sample)) continue;
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
