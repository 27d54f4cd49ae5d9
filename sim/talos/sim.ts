// startTalosSim: turns the Proxmox simulator's VMs into Talos nodes and wires state, faults,
// apid servers, etcd housekeeping and the per-cluster Kubernetes APIs together.
import { VmHookEvent } from '../proxmox/index.ts';
import { clusterField, clusterOf, forgetEmptyClusters } from './core/clusters.ts';
import { nodeAt } from './core/context.ts';
import type { TalosContext } from './core/context.ts';
import { createTalosEventLog } from './core/event-log.ts';
import type { TalosEventLog } from './core/event-log.ts';
import { createTalosFaults } from './core/faults.ts';
import { loadState, saveState } from './core/state-file.ts';
import type { TalosFaults } from './core/faults.ts';
import { createRandom } from '../common/random.ts';
import { hostnameOf } from './core/state.ts';
import type { SimCluster, SimNode } from './core/state.ts';
import { createTimers } from '../common/timers.ts';
import { reconcileEtcd } from './etcd/etcd-reconcile.ts';
import { loseEtcdData } from './etcd/recovery.ts';
import { reconcileSharedIps } from './etcd/shared-ip-election.ts';
import { createNodeNetwork } from './grpc/node-server.ts';
import { createKubeApiManager } from './k8s/kube-api-manager.ts';
import { followMigration, powerOff, powerOn, retryAwaitingCerts, servicesReady } from './node/lifecycle.ts';
import type { TalosSimOptions } from './options.ts';
import { defaultTalosTiming } from './timing.ts';
import type { TalosSimTiming } from './timing.ts';
import { clusterViews, nodeViews } from './views.ts';
import type { SimTalosCluster, SimTalosNode } from './views.ts';

/** A running Talos simulator. */
export interface TalosSim {
  /** Fault injection, settable at run time. */
  readonly faults: TalosFaults;
  /** Every Talos-side state change so far. */
  readonly events: TalosEventLog;
  /** A snapshot of every node. */
  nodes(): SimTalosNode[];
  /** A snapshot of every cluster. */
  clusters(): SimTalosCluster[];
  /** Process ids of the kube-apiservers (and etcds) started so far, for memory accounting. */
  processIds(): number[];
  /** Stops every apid, agent and kube-apiserver, and cancels every timer. */
  stop(): Promise<void>;
}

/** Starts simulated Talos nodes on the Proxmox simulator's VMs. */
export function startTalosSim(options: TalosSimOptions): Promise<TalosSim> {
  const scale = options.scale ?? 1;
  if (!(scale > 0)) throw new Error('talos sim: scale must be positive');
  const unknownTiming = Object.keys(options.timing ?? {}).filter((key) => !(key in defaultTalosTiming));
  if (unknownTiming.length > 0) throw new Error(`talos sim: unknown timing keys: ${unknownTiming.join(', ')}`);
  const events = createTalosEventLog(options.eventLogFile);
  const timers = createTimers();
  let stopped = false;
  let evaluating = false;
  const pending = { again: false };
  const settled = (): boolean => !pending.again;
  const nodes = new Map<number, SimNode>();
  const clusters = new Map<string, SimCluster>();
  const network = createNodeNetwork(() => ctx);
  const ctx: TalosContext = {
    nodes,
    clusters,
    events,
    faults: createTalosFaults(events, {
      changed: () => {
        ctx.changed();
      },
      deleteNode: async (address) => {
        const node = nodeAt(ctx, address);
        const cluster = node === undefined ? undefined : clusterOf(ctx, node);
        if (node === undefined || cluster === undefined) throw new Error(`no configured Talos node at ${address}`);
        await kube.deleteNode(cluster, hostnameOf(node));
      },
      kubeletChanged: (address, failing) => {
        const node = nodeAt(ctx, address);
        // Talos restarts a kubelet that recovers; a restarted kubelet registers its Node again.
        if (node !== undefined && !failing) delete node.kubeletRegisteredEpoch;
        if (node !== undefined && failing && servicesReady(node)) node.kubeletStoppedAt = Date.now();
        events.append({
          type: failing ? 'k8s.kubelet-stopped' : 'k8s.kubelet-started',
          address,
          ...(node === undefined ? {} : { vmid: node.vmid, hostname: hostnameOf(node), ...clusterField(ctx, node) }),
          detail: { reason: failing ? 'fault: the kubelet stopped posting node status' : 'fault cleared: the kubelet was restarted' },
        });
        kube.poke();
      },
      etcdDataLost: (target) => {
        const hit = [...nodes.values()].filter(
          (node) => node.config?.machineType === 'controlplane' && (target === 'all' || node.address === target),
        );
        if (hit.length === 0) throw new Error(`no control plane at ${target}`);
        for (const node of hit) loseEtcdData(ctx, node, 'fault: the etcd data directory was lost');
        ctx.changed();
      },
    }),
    clusterEtcd: {
      snapshot: (cluster) => kube.etcd.snapshot(cluster),
      ownsEtcd: (cluster) => kube.etcd.ownsEtcd(cluster),
      restore: (cluster, file, skipHashCheck, adopt) => kube.etcd.restore(cluster, file, skipHashCheck, adopt),
      startEmpty: (cluster) => {
        kube.etcd.startEmpty(cluster);
      },
    },
    dataDir: options.dataDir,
    timers,
    random: createRandom(options.seed ?? Math.floor(Math.random() * 2 ** 31)),
    proxmox: options.proxmox,
    network,
    timing: { ...defaultTalosTiming, ...options.timing },
    scale,
    bootVersion: options.bootVersion ?? 'v1.11.5',
    now: options.clock ?? Date.now,
    ms: (key: keyof TalosSimTiming) => ctx.timing[key] * scale,
    // Derived state is re-evaluated until it settles; a change made while evaluating loops once more.
    changed: () => {
      if (stopped) return;
      if (evaluating) {
        pending.again = true;
        return;
      }
      evaluating = true;
      try {
        for (let round = 0; round < 20; round += 1) {
          pending.again = false;
          forgetEmptyClusters(ctx);
          retryAwaitingCerts(ctx);
          reconcileEtcd(ctx);
          reconcileSharedIps(ctx);
          kube.reconcile();
          if (settled()) break;
        }
      } finally {
        evaluating = false;
      }
    },
    stopped: () => stopped,
  };
  const kube = createKubeApiManager(
    ctx,
    options.startKubeApiserver,
    options.dataDir,
    options.workload ?? {},
    options.externalLoadBalancers,
    options.sharedKubernetes,
  );
  const stateFile = options.stateFile;
  let saveQueued = false;
  const unsubscribeSave =
    stateFile === undefined
      ? () => false
      : events.subscribe(() => {
          // Every state change is also an event: saving after events (batched) saves after changes.
          if (saveQueued) return;
          saveQueued = true;
          setImmediate(() => {
            saveQueued = false;
            if (!stopped) saveState(ctx, stateFile);
          });
        });
  if (stateFile !== undefined) {
    loadState(ctx, stateFile);
    ctx.changed();
  }
  const unsubscribe = [
    options.proxmox.on(
      VmHookEvent.started,
      (vm) => {
        if (!stopped) powerOn(ctx, vm);
      },
      { replayRunning: true },
    ),
    options.proxmox.on(VmHookEvent.stopped, (vm) => {
      if (!stopped) powerOff(ctx, vm.vmid, 'vm-stopped');
    }),
    options.proxmox.on(VmHookEvent.destroyed, (vm) => {
      if (!stopped) powerOff(ctx, vm.vmid, 'vm-destroyed');
    }),
    options.proxmox.on(VmHookEvent.migrated, (vm) => {
      if (!stopped) followMigration(ctx, vm);
    }),
  ];
  return Promise.resolve({
    faults: ctx.faults,
    events,
    nodes: () => nodeViews(ctx),
    clusters: () => clusterViews(ctx),
    processIds: () => kube.pids(),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const off of unsubscribe) off();
      unsubscribeSave();
      timers.clear();
      if (stateFile !== undefined) saveState(ctx, stateFile);
      await kube.stop();
      await network.closeAll();
    },
  });
}
