import type { DesiredCluster, MachineShape } from '../api/desired-cluster.ts';
import type { CreateMachineInput, DeleteMachineInput } from '../api/machine-operations.ts';
import type { MachineRole, ObservedMachine } from '../api/observed-cluster.ts';
import type { StaticAddress } from '../api/proxmox.ts';
import type { MachineConfigInput } from '../api/talos/machine-config-input.ts';
import { talosInstallerImage } from '../api/talos/installer-image.ts';
import { clusterKey } from '../api/cluster-ref.ts';

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
  // Cluster-wide patches first, then the group's own (TalosControlPlane's or the TalosConfigTemplate's).
  const groupPatches = machine.role === 'control-plane' ? desired.controlPlane.talos : group?.talos;
  const kubernetesVersion = group?.kubernetesVersion ?? desired.kubernetesVersion;
  return {
    cluster: { namespace: desired.namespace, name: desired.name },
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
      strategicPatches: [...desired.talos.strategicPatches, ...(groupPatches?.strategicPatches ?? [])],
      configPatches: [...desired.talos.configPatches, ...(groupPatches?.configPatches ?? [])],
    },
    bootstrap: machine.bootstrap,
  };
}

/** The machine's full config input: the cluster-wide part plus its hostname and static network. */
export function machineConfig(config: CreateMachineInput['config'], machine: string, address: StaticAddress): MachineConfigInput {
  return {
    ...config,
    hostname: machine,
    network: {
      interface: 'eth0',
      addresses: [`${address.ip}/${address.prefix}`],
      ...(address.gateway ? { gateway: address.gateway } : {}),
      nameservers: address.dns,
    },
  };
}

/** How long draining this machine may wait on PodDisruptionBudgets: its group's `nodeDrainTimeoutSeconds`. */
export function drainTimeoutOf(desired: DesiredCluster, machine: Pick<ObservedMachine, 'role' | 'deployment'>): number {
  const group = machine.role === 'worker' ? desired.machineDeployments.find((md) => md.name === machine.deployment) : undefined;
  return group?.nodeDrainTimeoutSeconds ?? desired.controlPlane.nodeDrainTimeoutSeconds;
}

/** What removing a known machine takes; the VM is recognised by name and owner marker, not by its shape. */
export function deleteMachineInput(
  desired: DesiredCluster,
  machine: ObservedMachine,
  options: Pick<DeleteMachineInput, 'clusterDeleting' | 'etcdLeft' | 'reportTo'> = {},
): DeleteMachineInput {
  const spec = createMachineInput(
    desired,
    { name: machine.name, role: machine.role, bootstrap: false, ...(machine.deployment ? { deployment: machine.deployment } : {}) },
    '',
  );
  const address = machine.staticAddress ?? { ip: machine.address ?? '0.0.0.0', prefix: 32 };
  return {
    cluster: spec.cluster,
    machine: machine.name,
    role: machine.role,
    ...(machine.vm ? { vm: machine.vm } : {}),
    ...(machine.address ? { address: machine.address } : {}),
    vmSpec: { ...spec.vm, cluster: clusterKey({ namespace: desired.namespace, name: desired.name }), machine: machine.name, address },
    drainTimeoutSeconds: drainTimeoutOf(desired, machine),
    ...options,
  };
}
