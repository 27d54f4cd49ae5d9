import { clusterCrd } from '../../api/capi/cluster.ts';
import { machineDeploymentCrd } from '../../api/capi/machine-deployment.ts';
import { machineHealthCheckCrd } from '../../api/capi/machine-health-check.ts';
import { proxmoxClusterCrd } from '../../api/capi/proxmox-cluster.ts';
import { proxmoxMachineTemplateCrd } from '../../api/capi/proxmox-machine-template.ts';
import { talosConfigTemplateCrd } from '../../api/capi/talos-config-template.ts';
import { talosControlPlaneCrd } from '../../api/capi/talos-control-plane.ts';
import type { CrdManifest } from '../../api/crd/define-crd.ts';

/** Where a kind is served: what an informer lists and watches and a status write addresses. */
export interface WatchedKind {
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly apiVersion: string;
}

/** Where a CRD's kind is served. */
export function watched(crd: CrdManifest): WatchedKind {
  const { group, names, versions } = crd.spec;
  const version = versions[0]?.name ?? '';
  return { kind: names.kind, group, version, plural: names.plural, apiVersion: `${group}/${version}` };
}

/**
 * The seven kinds the controller watches: those users write, from the CRDs api/ generates (one
 * source of names). Machines, MachineSets and ProxmoxMachines are not among them: the cluster
 * workflow writes them and the controller decides nothing from them.
 */
export const Watched = {
  Cluster: watched(clusterCrd),
  TalosControlPlane: watched(talosControlPlaneCrd),
  MachineDeployment: watched(machineDeploymentCrd),
  MachineHealthCheck: watched(machineHealthCheckCrd),
  ProxmoxCluster: watched(proxmoxClusterCrd),
  ProxmoxMachineTemplate: watched(proxmoxMachineTemplateCrd),
  TalosConfigTemplate: watched(talosConfigTemplateCrd),
} as const;
export type WatchedKindName = keyof typeof Watched;

/** Every watched kind's name, in the order informers start. */
export const watchedKindNames = Object.keys(Watched) as WatchedKindName[];
