import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { createInventoryActivities } from './inventory/inventory-activities.ts';
import { createIpamActivities } from './ipam/ipam-activities.ts';
import { createKubernetesActivities } from './kubernetes/kubernetes-activities.ts';
import { KubernetesSecretStore } from './kubernetes/secret-store.ts';
import { createObserveActivities } from './observe/observe-activities.ts';
import { createPreflightActivities } from './preflight/preflight-activities.ts';
import { createProxmoxActivities } from './proxmox/proxmox-activities.ts';
import { ProxmoxClient, type ProxmoxConnection } from './proxmox/proxmox-client.ts';
import { secretProxmoxClients } from './proxmox/proxmox-clients.ts';
import { createEtcdBackupActivities } from './etcd-backup/etcd-backup-activities.ts';
import { createEtcdRestoreActivities } from './etcd-backup/etcd-restore-activities.ts';
import { snapshotStores } from './etcd-backup/snapshot-stores.ts';
import { createClusterConfigActivities } from './talos/cluster-config-activities.ts';
import { createTalosActivities } from './talos/talos-activities.ts';

/** What the lifecycle activities talk to. */
export interface LifecycleDeps {
  /**
   * The worker's own Proxmox (PROXMOX_*): for clusters whose ProxmoxCluster names no credentials
   * Secret. Others are built on the Proxmox their Secret names.
   */
  readonly proxmox?: ProxmoxConnection | undefined;
  /** The management cluster: the inventory (Machines, ProxmoxMachines, MachineSets), IP address claims and every cluster Secret live there. */
  readonly managementCluster: KubeConfig;
  /** Clones at once per Proxmox storage, across all workers of the namespace (default 2). */
  readonly clonesPerStorage?: number;
  /**
   * How long a clone slot stays held after its holder stopped renewing (default 10 minutes: a real
   * clone goes on after its worker or run is gone). Tests whose simulated clones take milliseconds
   * shorten it, so a run they terminate on purpose does not hold the storage for minutes.
   */
  readonly cloneSlotLeaseMs?: number;
  /** How often long waits poll (tests shorten it). */
  readonly pollMs?: number;
  /** Where etcd snapshots go for clusters whose policy names no bucket (default `.capstan/etcd-snapshots` under the working directory). */
  readonly snapshotDir?: string;
  /** The time certificates are issued and judged at (default: the wall clock; tests follow the test server's time). */
  readonly clock?: () => Date;
}

/** Every activity the lifecycle workflows call, built from their clients. */
export function createLifecycleActivities(deps: LifecycleDeps) {
  const secrets = new KubernetesSecretStore(deps.managementCluster);
  const polling = deps.pollMs === undefined ? {} : { pollMs: deps.pollMs };
  const proxmox = secretProxmoxClients(deps.managementCluster, deps.proxmox && new ProxmoxClient(deps.proxmox));
  const clock = deps.clock === undefined ? {} : { clock: deps.clock };
  const stores = snapshotStores({
    directory: deps.snapshotDir ?? join('.capstan', 'etcd-snapshots'),
    managementCluster: deps.managementCluster,
  });
  return {
    ...createProxmoxActivities({
      clients: proxmox,
      ...(deps.clonesPerStorage === undefined ? {} : { clonesPerStorage: deps.clonesPerStorage }),
      ...(deps.cloneSlotLeaseMs === undefined ? {} : { cloneSlots: { leaseMs: deps.cloneSlotLeaseMs } }),
    }),
    ...createIpamActivities(deps.managementCluster),
    ...createInventoryActivities(deps.managementCluster),
    ...createObserveActivities({ proxmox, managementCluster: deps.managementCluster }),
    ...createPreflightActivities({ proxmox }),
    ...createClusterConfigActivities({ secrets, ...clock }),
    ...createTalosActivities({ secrets, ...polling, ...clock }),
    ...createEtcdBackupActivities({ secrets, ...polling, ...clock, stores }),
    ...createEtcdRestoreActivities({ secrets, ...polling, ...clock, stores }),
    ...createKubernetesActivities({ secrets, ...polling }),
  };
}

/** The activity interface workflows proxy (`proxyActivities<LifecycleActivities>`). */
export type LifecycleActivities = ReturnType<typeof createLifecycleActivities>;
