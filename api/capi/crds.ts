import type { CrdManifest } from '../crd/define-crd.ts';
import { clusterClassCrd } from './cluster-class.ts';
import { clusterCrd } from './cluster.ts';
import { machineDeploymentCrd } from './machine-deployment.ts';
import { machineCrd } from './machine.ts';
import { proxmoxClusterTemplateCrd } from './proxmox-cluster-template.ts';
import { proxmoxClusterCrd } from './proxmox-cluster.ts';
import { proxmoxMachineTemplateCrd } from './proxmox-machine-template.ts';
import { talosConfigTemplateCrd } from './talos-config-template.ts';
import { talosControlPlaneTemplateCrd } from './talos-control-plane-template.ts';
import { talosControlPlaneCrd } from './talos-control-plane.ts';

/** The CRDs of the kinds CAPI users write (ClusterClass and its templates included), plus the Machines Capstan creates. */
export const capiCrds: readonly CrdManifest[] = [
  clusterCrd,
  machineDeploymentCrd,
  machineCrd,
  talosControlPlaneCrd,
  talosConfigTemplateCrd,
  proxmoxClusterCrd,
  proxmoxMachineTemplateCrd,
  clusterClassCrd,
  talosControlPlaneTemplateCrd,
  proxmoxClusterTemplateCrd,
];
