import { clusterCrd } from '../../../api/capi/cluster.ts';
import { machineDeploymentCrd } from '../../../api/capi/machine-deployment.ts';
import { machineHealthCheckCrd } from '../../../api/capi/machine-health-check.ts';
import { machineSetCrd } from '../../../api/capi/machine-set.ts';
import { machineCrd } from '../../../api/capi/machine.ts';
import { proxmoxClusterCrd } from '../../../api/capi/proxmox-cluster.ts';
import { proxmoxMachineTemplateCrd } from '../../../api/capi/proxmox-machine-template.ts';
import { talosConfigTemplateCrd } from '../../../api/capi/talos-config-template.ts';
import { talosControlPlaneCrd } from '../../../api/capi/talos-control-plane.ts';
import type { CrdManifest } from '../../../api/crd/define-crd.ts';

/** Where a kind is served, as CustomObjectsApi addresses it. */
export interface Resource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

const resourceOf = (crd: CrdManifest): Resource => ({
  group: crd.spec.group,
  version: crd.spec.versions[0]?.name ?? '',
  plural: crd.spec.names.plural,
});

/** The kinds the CLI reads, from the CRDs api/ defines (one source of names). */
export const Resources = {
  Cluster: resourceOf(clusterCrd),
  TalosControlPlane: resourceOf(talosControlPlaneCrd),
  MachineDeployment: resourceOf(machineDeploymentCrd),
  Machine: resourceOf(machineCrd),
  MachineSet: resourceOf(machineSetCrd),
  MachineHealthCheck: resourceOf(machineHealthCheckCrd),
  ProxmoxCluster: resourceOf(proxmoxClusterCrd),
  ProxmoxMachineTemplate: resourceOf(proxmoxMachineTemplateCrd),
  TalosConfigTemplate: resourceOf(talosConfigTemplateCrd),
} as const;
