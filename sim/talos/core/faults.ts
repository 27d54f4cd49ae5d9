// Run-time fault injection for the Talos simulator. Targets are node addresses (127.x.y.z) or
// 'all'; every change and every fired fault is logged as `fault.injected`.
import type { TalosEventLogWriter } from './event-log.ts';

/** A node address, or `'all'` for every node. */
export type FaultTarget = string;

/** Faults a test (or the npm start control endpoint) can switch on and off while the simulator runs. */
export interface TalosFaults {
  /** The next upgrade(s) of the target fail: the node reboots, fails to boot the new image and comes back on its old version. */
  failNextUpgrade(target: FaultTarget, options?: { readonly count?: number }): void;
  /** The target's next boot (after an upgrade, reboot, install or power-on) never finishes: the node stays down. */
  neverComesBack(target: FaultTarget): void;
  /** Every boot of the target takes `factor` times longer (1 undoes it). */
  slowBoot(target: FaultTarget, factor: number): void;
  /** The target's etcd member reports unhealthy (it stops counting for quorum and fails upgrade checks), or healthy again. */
  etcdMemberUnhealthy(target: string, unhealthy?: boolean): void;
  /** Removes every fault. */
  clear(): void;
}

/** The simulator's side of the faults. */
export interface TalosFaultState extends TalosFaults {
  /** Consumes an armed upgrade failure for this node. */
  takeUpgradeFailure(address: string): boolean;
  /** Consumes an armed "never comes back" for this node. */
  takeHang(address: string): boolean;
  bootFactor(address: string): number;
  etcdUnhealthy(address: string): boolean;
}

/** Fault state that logs to `events`; `changed` runs after a change that alters etcd health. */
export function createTalosFaults(events: TalosEventLogWriter, changed: () => void): TalosFaultState {
  const upgradeFailures = new Map<FaultTarget, number>();
  const hangs = new Set<FaultTarget>();
  const slow = new Map<FaultTarget, number>();
  const unhealthy = new Set<string>();
  const log = (detail: Record<string, string | number | boolean>, address?: string): void => {
    events.append({ type: 'fault.injected', ...(address === undefined || address === 'all' ? {} : { address }), detail });
  };
  const take = (address: string, fault: string, has: (t: FaultTarget) => boolean, consume: (t: FaultTarget) => void): boolean => {
    const target = has(address) ? address : has('all') ? 'all' : undefined;
    if (target === undefined) return false;
    consume(target);
    log({ fault: `${fault}-fired` }, address);
    return true;
  };
  return {
    failNextUpgrade: (target, options = {}) => {
      upgradeFailures.set(target, (upgradeFailures.get(target) ?? 0) + (options.count ?? 1));
      log({ fault: 'upgrade-fails', target, count: options.count ?? 1 }, target);
    },
    neverComesBack: (target) => {
      hangs.add(target);
      log({ fault: 'never-comes-back', target }, target);
    },
    slowBoot: (target, factor) => {
      if (factor === 1) slow.delete(target);
      else slow.set(target, factor);
      log({ fault: 'slow-boot', target, factor }, target);
    },
    etcdMemberUnhealthy: (target, value = true) => {
      if (value) unhealthy.add(target);
      else unhealthy.delete(target);
      log({ fault: value ? 'etcd-unhealthy' : 'etcd-healthy', target }, target);
      changed();
    },
    clear: () => {
      upgradeFailures.clear();
      hangs.clear();
      slow.clear();
      unhealthy.clear();
      log({ fault: 'clear' });
      changed();
    },
    takeUpgradeFailure: (address) =>
      take(
        address,
        'upgrade-fails',
        (t) => (upgradeFailures.get(t) ?? 0) > 0,
        (t) => {
          const left = (upgradeFailures.get(t) ?? 1) - 1;
          if (left <= 0) upgradeFailures.delete(t);
          else upgradeFailures.set(t, left);
        },
      ),
    takeHang: (address) =>
      take(
        address,
        'never-comes-back',
        (t) => hangs.has(t),
        (t) => hangs.delete(t),
      ),
    bootFactor: (address) => slow.get(address) ?? slow.get('all') ?? 1,
    etcdUnhealthy: (address) => unhealthy.has(address),
  };
}
