// The simulator-level view of a VM that hooks and `vms()` hand out (not a PVE API shape).
import { typedValue } from '../config/config-keys.ts';
import { isLoopback, parseIpconfig } from '../config/ipconfig.ts';
import type { VmState } from './state.ts';

/** A snapshot of one VM for hooks, `vms()` and the Talos simulator. */
export interface SimVmInfo {
  readonly vmid: number;
  readonly node: string;
  readonly name?: string;
  readonly status: 'running' | 'stopped';
  readonly template: boolean;
  readonly tags: readonly string[];
  /** The config lock, or one injected by `faults.lockVm`. */
  readonly lock?: string;
  /** The static ipconfig0 IPv4 without prefix when it is inside 127.0.0.0/8, else null. */
  readonly address: string | null;
  /** The ipconfig0 IPv4 as configured, even outside loopback. */
  readonly declaredAddress?: string;
  /** The current config (pending changes not applied), typed as GET …/config?current=1 returns it. */
  readonly config: Readonly<Record<string, string | number>>;
}

/** Builds the snapshot; `lock` is the effective lock (config or injected). */
export function vmInfo(vm: VmState, lock: string | undefined): SimVmInfo {
  const declared = parseIpconfig(vm.config['ipconfig0']).address;
  const name = vm.config['name'];
  const tags = vm.config['tags'];
  return {
    vmid: vm.vmid,
    node: vm.node,
    ...(name === undefined ? {} : { name }),
    status: vm.status,
    template: vm.config['template'] === '1',
    tags: tags === undefined ? [] : tags.split(';').filter((t) => t !== ''),
    ...(lock === undefined ? {} : { lock }),
    address: declared !== undefined && isLoopback(declared) ? declared : null,
    ...(declared === undefined ? {} : { declaredAddress: declared }),
    config: Object.fromEntries(Object.entries(vm.config).map(([key, value]) => [key, typedValue(key, value)])),
  };
}
