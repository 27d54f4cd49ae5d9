import type { KubeConfig } from '@kubernetes/client-node';
import { createIpamActivities } from '../activities/ipam/ipam-activities.ts';
import { createProxmoxActivities } from '../activities/proxmox/proxmox-activities.ts';
import { ProxmoxClient, type ProxmoxConnection } from '../activities/proxmox/proxmox-client.ts';

/** What the lifecycle activities talk to. */
export interface LifecycleDeps {
  readonly proxmox: ProxmoxConnection;
  /** The management cluster, where IP address claims live. */
  readonly managementCluster: KubeConfig;
}

/** Every activity the lifecycle workflows call, built from their clients. */
export function createLifecycleActivities(deps: LifecycleDeps) {
  return {
    ...createProxmoxActivities({ client: new ProxmoxClient(deps.proxmox) }),
    ...createIpamActivities(deps.managementCluster),
  };
}

/** The activity interface workflows proxy (`proxyActivities<LifecycleActivities>`). */
export type LifecycleActivities = ReturnType<typeof createLifecycleActivities>;
