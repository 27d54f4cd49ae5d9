// Run-time fault injection for the Talos simulator. Targets are node addresses (127.x.y.z) or
// 'all'; every change and every fired fault is logged as `fault.injected`. Some faults change
// reality behind an orchestrator's back (a Node deleted, a kubelet that stops posting): what
// they do is the simulator's, given as `FaultEffects`.
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
  /**
   * The target's etcd member is cut off from its peers: it stops counting for quorum, fails upgrade
   * checks and its EtcdStatus reports no leader — or it is healthy again.
   */
  etcdMemberUnhealthy(target: string, unhealthy?: boolean): void;
  /**
   * `kubectl delete node`: the Node of the machine at `address` is deleted from its cluster's
   * kube-apiserver. Its running kubelet does not register again until it restarts (next boot).
   * Rejects like kubectl when the API does not answer or the Node does not exist.
   */
  deleteNode(address: string): Promise<void>;
  /**
   * The kubelet at `address` stops posting node status (true) or is restarted and posts again
   * (false): the Node goes Ready=Unknown after the node-monitor grace period, and back to Ready.
   */
  kubeletFails(address: string, failing?: boolean): void;
  /**
   * The etcd data directory of the control plane at `target` (every control plane with `'all'`) is
   * lost, as when its EPHEMERAL partition is gone: its etcd starts over empty and waits to join.
   * Once no member of a cluster holds data, quorum is lost for good: the cluster's real etcd data
   * is deleted and only a recovery from a snapshot (EtcdRecover + Bootstrap{recover_etcd}) brings
   * it back. Not undone by `clear()`. Throws when no control plane matches.
   */
  etcdDataLost(target: FaultTarget): void;
  /** Removes every fault. */
  clear(): void;
}

/** What the simulator does when a fault changes reality (wired in sim.ts). */
export interface FaultEffects {
  /** Re-evaluates derived state (etcd health changed). */
  changed(): void;
  /** Deletes the Node of the machine at `address`. */
  deleteNode(address: string): Promise<void>;
  /** A kubelet stopped or started posting. */
  kubeletChanged(address: string, failing: boolean): void;
  /** Wipes the etcd data of the target's control planes. */
  etcdDataLost(target: FaultTarget): void;
}

/** The simulator's side of the faults. */
export interface TalosFaultState extends TalosFaults {
  /** Consumes an armed upgrade failure for this node. */
  takeUpgradeFailure(address: string): boolean;
  /** Consumes an armed "never comes back" for this node. */
  takeHang(address: string): boolean;
  bootFactor(address: string): number;
  etcdUnhealthy(address: string): boolean;
  /** Whether the kubelet at this address has stopped posting. */
  kubeletFailing(address: string): boolean;
  /**
   * The machine at `address` is gone (its VM destroyed): faults that belong to that machine (a
   * failing kubelet, an unhealthy etcd member) end with it, so a new VM that gets the address
   * boots healthy. Faults aimed at an address for the future (upgrade failures, hangs) stay.
   */
  machineGone(address: string): void;
}

/** Fault state that logs to `events` and acts through `effects`. */
export function createTalosFaults(events: TalosEventLogWriter, effects: FaultEffects): TalosFaultState {
  const upgradeFailures = new Map<FaultTarget, number>();
  const hangs = new Set<FaultTarget>();
  const slow = new Map<FaultTarget, number>();
  const unhealthy = new Set<string>();
  const failingKubelets = new Set<string>();
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
      effects.changed();
    },
    deleteNode: (address) => {
      log({ fault: 'delete-node', target: address }, address);
      return effects.deleteNode(address);
    },
    kubeletFails: (address, failing = true) => {
      if (failingKubelets.has(address) === failing) return;
      if (failing) failingKubelets.add(address);
      else failingKubelets.delete(address);
      log({ fault: failing ? 'kubelet-fails' : 'kubelet-recovers', target: address }, address);
      effects.kubeletChanged(address, failing);
    },
    etcdDataLost: (target) => {
      log({ fault: 'etcd-data-lost', target }, target);
      effects.etcdDataLost(target);
    },
    clear: () => {
      upgradeFailures.clear();
      hangs.clear();
      slow.clear();
      unhealthy.clear();
      const recovered = [...failingKubelets];
      failingKubelets.clear();
      log({ fault: 'clear' });
      for (const address of recovered) effects.kubeletChanged(address, false);
      effects.changed();
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
    kubeletFailing: (address) => failingKubelets.has(address),
    machineGone: (address) => {
      const ended = [failingKubelets.delete(address) && 'kubelet-fails', unhealthy.delete(address) && 'etcd-unhealthy'].filter(Boolean);
      if (ended.length > 0) log({ fault: 'machine-gone', target: address, ended: ended.join(',') }, address);
    },
  };
}
