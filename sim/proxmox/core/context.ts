// The simulator's shared state and services, passed to every handler and task step.
import type { SimTiming } from '../timing.ts';
import type { EventLogWriter } from './event-log.ts';
import type { FaultState } from './faults.ts';
import type { LaggedStats } from './lagged-stats.ts';
import type { Random } from '../../common/random.ts';
import type { SimState, VmState } from './state.ts';
import type { Timers } from '../../common/timers.ts';
import type { VmHooks } from './vm-hooks.ts';
import { vmInfo } from './vm-info.ts';
import type { SimVmInfo } from './vm-info.ts';

/** Everything a handler or task step may touch. */
export interface SimContext {
  readonly state: SimState;
  readonly random: Random;
  readonly events: EventLogWriter;
  readonly hooks: VmHooks;
  readonly faults: FaultState;
  readonly timers: Timers;
  readonly stats: LaggedStats;
  timing: SimTiming;
  readonly scale: number;
  /** SHA-256 fingerprint of the certificate the API is served with (`AB:CD:…`), as /nodes lists it. */
  readonly sslFingerprint: string;
  /** Persists soon and records the change for the lagging stats. */
  changed(): void;
}

/** A timing entry in real (scaled) milliseconds. */
export function duration(ctx: SimContext, key: keyof SimTiming, fraction = 1): number {
  return ctx.timing[key] * ctx.scale * fraction;
}

/** The lock a caller sees: the config's own, else one injected by a fault. */
export function effectiveLock(ctx: SimContext, vm: VmState): string | undefined {
  return vm.config['lock'] ?? ctx.faults.lockOf(vm.vmid);
}

/** The hook/`vms()` snapshot of a VM. */
export function infoOf(ctx: SimContext, vm: VmState): SimVmInfo {
  return vmInfo(vm, effectiveLock(ctx, vm));
}
