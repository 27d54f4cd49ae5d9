import { clusterClassCrd } from '../../api/capi/cluster-class.ts';
import { clusterCrd } from '../../api/capi/cluster.ts';
import { machineDeploymentCrd } from '../../api/capi/machine-deployment.ts';
import { machineHealthCheckCrd } from '../../api/capi/machine-health-check.ts';
import { machineSetCrd } from '../../api/capi/machine-set.ts';
import { machineCrd } from '../../api/capi/machine.ts';
import { proxmoxClusterTemplateCrd } from '../../api/capi/proxmox-cluster-template.ts';
import { proxmoxClusterCrd } from '../../api/capi/proxmox-cluster.ts';
import { proxmoxMachineCrd } from '../../api/capi/proxmox-machine.ts';
import { proxmoxMachineTemplateCrd } from '../../api/capi/proxmox-machine-template.ts';
import { talosConfigTemplateCrd } from '../../api/capi/talos-config-template.ts';
import { talosControlPlaneTemplateCrd } from '../../api/capi/talos-control-plane-template.ts';
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
 * The kinds the controller watches: those users write (a ClusterClass and its templates
 * included), from the CRDs api/ generates (one source of names). Machines, MachineSets and ProxmoxMachines are not among them: the cluster
 * workflow writes them, and the controller only deletes what is left of them after a delete.
 */
export const Watched = {
  Cluster: watched(clusterCrd),
  TalosControlPlane: watched(talosControlPlaneCrd),
  MachineDeployment: watched(machineDeploymentCrd),
  MachineHealthCheck: watched(machineHealthCheckCrd),
  ProxmoxCluster: watched(proxmoxClusterCrd),
  ProxmoxMachineTemplate: watched(proxmoxMachineTemplateCrd),
  TalosConfigTemplate: watched(talosConfigTemplateCrd),
  ClusterClass: watched(clusterClassCrd),
  TalosControlPlaneTemplate: watched(talosControlPlaneTemplateCrd),
  ProxmoxClusterTemplate: watched(proxmoxClusterTemplateCrd),
} as const;
export type WatchedKindName = keyof typeof Watched;

/** Every watched kind's name, in the order informers start. */
export const watchedKindNames = Object.keys(Watched) as WatchedKindName[];

/**
 * The inventory the cluster workflow writes. The controller watches none of it; it lists what is
 * left of it only to finish a Cluster's delete (CAPI's Cluster controller deletes its descendants).
 */
export const Inventory = {
  MachineSet: watched(machineSetCrd),
  Machine: watched(machineCrd),
  ProxmoxMachine: watched(proxmoxMachineCrd),
} as const;

/** Every kind the controller reads or writes: the watched ones and the inventory. */
export const ClusterKinds = { ...Watched, ...Inventory } as const;
export type ClusterKindName = keyof typeof ClusterKinds;
