import type { DesiredCluster, MachineShape } from '../api/desired-cluster.ts';
import type { CreateMachineInput } from '../api/machine-operations.ts';
import type { MachineRole } from '../api/observed-cluster.ts';
import { talosInstallerImage } from '../api/talos/installer-image.ts';

/** Which machine to build and whether it bootstraps etcd. */
export interface MachineToCreate {
  readonly name: string;
  readonly role: MachineRole;
  /** The MachineDeployment of a worker. */
  readonly deployment?: string;
  readonly bootstrap: boolean;
}

/**
 * Maps the desired cluster onto one machine's create input (pure: the workflow supplies the
 * name and the control-plane endpoint address it reserved).
 */
export function createMachineInput(desired: DesiredCluster, machine: MachineToCreate, endpointIp: string): CreateMachineInput {
  const group = machine.deployment === undefined ? undefined : desired.machineDeployments.find((md) => md.name === machine.deployment);
  const shape: MachineShape = machine.role === 'control-plane' || !group ? desired.controlPlane.machine : group.machine;
  const kubernetesVersion = group?.kubernetesVersion ?? desired.kubernetesVersion;
  return {
    cluster: { namespace: desired.namespace, cluster: desired.name },
    machine: machine.name,
    role: machine.role,
    ...(machine.deployment === undefined ? {} : { deployment: machine.deployment }),
    pool: { poolName: desired.network.poolName, pool: desired.network.ipv4Pool },
    vm: {
      templateVmid: shape.templateVmid,
      allowedNodes: desired.proxmox.allowedNodes,
      ...(shape.storage === undefined ? {} : { storage: shape.storage }),
      cores: shape.cores,
      sockets: shape.sockets,
      memoryMiB: shape.memoryMiB,
      diskGiB: shape.diskGiB,
      bridge: shape.bridge,
      ...(shape.vlan === undefined ? {} : { vlan: shape.vlan }),
      ...(desired.proxmox.vmIdRange === undefined ? {} : { vmIdRange: desired.proxmox.vmIdRange }),
    },
    config: {
      machineType: machine.role === 'control-plane' ? 'controlplane' : 'worker',
      clusterName: desired.name,
      controlPlaneEndpoint: `https://${endpointIp}:${desired.network.controlPlaneEndpoint?.port ?? 6443}`,
      kubernetesVersion,
      installerImage: talosInstallerImage(desired.talosVersion, desired.talos.schematicId),
      installDisk: shape.installDisk,
      podSubnets: desired.network.podSubnets,
      serviceSubnets: desired.network.serviceSubnets,
      strategicPatches: desired.talos.strategicPatches,
      configPatches: desired.talos.configPatches,
    },
    bootstrap: machine.bootstrap,
  };
}
