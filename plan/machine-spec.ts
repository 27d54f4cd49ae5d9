// The one home of "what a machine of this role or MachineDeployment gets": its VM shape, versions,
// Talos patches and drain timeout, and from them the inputs of the machine workflows. Provision,
// scale, rollouts, upgrades, remediation and delete all build and remove machines from here.
import { clusterKey } from '../api/cluster-ref.ts';
import type { DesiredCluster, DrainTimeoutAction, MachineShape, TalosPatches } from '../api/desired-cluster.ts';
import type { CreateMachineInput, DeleteMachineInput, MachineToCreate } from '../api/machine-operations.ts';
import type { MachineRole, ObservedMachine } from '../api/observed-cluster.ts';
import type { StaticAddress } from '../api/proxmox.ts';
import { proxmoxCredentialsOf } from '../api/proxmox-credentials.ts';
import { talosInstallerImage } from '../api/talos/installer-image.ts';
import type { MachineConfigInput } from '../api/talos/machine-config-input.ts';
import { shapeHash } from './shape-hash.ts';

/** A machine's place: its role, and the MachineDeployment of a worker. */
export type MachinePlace = Pick<MachineToCreate, 'role' | 'deployment'>;

/** What a machine of a role or MachineDeployment gets under a spec. */
export interface MachineSpec {
  readonly shape: MachineShape;
  readonly shapeHash: string;
  readonly kubernetesVersion: string;
  readonly talosVersion: string;
  /** The group's own Talos patches (TalosControlPlane's, or its TalosConfigTemplate's). */
  readonly patches: TalosPatches | undefined;
  readonly drainTimeoutSeconds: number;
  readonly drainTimeoutAction: DrainTimeoutAction;
}

/** The spec's answer for one machine place (a worker of a deployment the spec no longer has gets the control plane's shape). */
export function machineSpecOf(desired: DesiredCluster, place: MachinePlace): MachineSpec {
  const group = place.role === 'worker' ? desired.machineDeployments.find((md) => md.name === place.deployment) : undefined;
  const shape = group?.machine ?? desired.controlPlane.machine;
  return {
    shape,
    shapeHash: shapeHash(shape),
    kubernetesVersion: group?.kubernetesVersion ?? desired.kubernetesVersion,
    talosVersion: desired.talosVersion,
    patches: place.role === 'control-plane' ? desired.controlPlane.talos : group?.talos,
    drainTimeoutSeconds: group?.nodeDrainTimeoutSeconds ?? desired.controlPlane.nodeDrainTimeoutSeconds,
    drainTimeoutAction: (place.role === 'worker' ? group?.drainTimeoutAction : desired.controlPlane.drainTimeoutAction) ?? 'Block',
  };
}

/**
 * Maps the desired cluster onto one machine's create input (pure: the workflow supplies the
 * name and the control-plane endpoint address it reserved).
 */
export function createMachineInput(desired: DesiredCluster, machine: MachineToCreate, endpointIp: string): CreateMachineInput {
  const spec = machineSpecOf(desired, machine);
  const cluster = { namespace: desired.namespace, name: desired.name };
  const deployment = machine.deployment === undefined ? {} : { deployment: machine.deployment };
  const credentials = proxmoxCredentialsOf(desired);
  const vm = {
    templateVmid: spec.shape.templateVmid,
    allowedNodes: desired.proxmox.allowedNodes,
    ...(spec.shape.storage === undefined ? {} : { storage: spec.shape.storage }),
    cores: spec.shape.cores,
    sockets: spec.shape.sockets,
    memoryMiB: spec.shape.memoryMiB,
    diskGiB: spec.shape.diskGiB,
    bridge: spec.shape.bridge,
    ...(spec.shape.vlan === undefined ? {} : { vlan: spec.shape.vlan }),
    ...(desired.proxmox.vmIdRange === undefined ? {} : { vmIdRange: desired.proxmox.vmIdRange }),
    // Only the Secret's name: the activities read the token from it when they run.
    ...(credentials ? { credentials } : {}),
  };
  return {
    cluster,
    machine: machine.name,
    role: machine.role,
    ...deployment,
    intent: {
      cluster,
      machine: machine.name,
      role: machine.role,
      ...deployment,
      kubernetesVersion: spec.kubernetesVersion,
      talosVersion: spec.talosVersion,
      shapeHash: spec.shapeHash,
      bootstrap: machine.bootstrap,
      vm,
    },
    pool: { poolName: desired.network.poolName, pool: desired.network.ipv4Pool },
    vm,
    config: {
      machineType: machine.role === 'control-plane' ? 'controlplane' : 'worker',
      clusterName: desired.name,
      controlPlaneEndpoint: `https://${endpointIp}:${desired.network.controlPlaneEndpoint?.port ?? 6443}`,
      // Nothing listens at the endpoint unless the control planes share it, or the user's load balancer does.
      ...(machine.role === 'control-plane' && desired.network.controlPlaneEndpoint?.externalLoadBalancer !== true && endpointIp !== ''
        ? { sharedIp: endpointIp }
        : {}),
      kubernetesVersion: spec.kubernetesVersion,
      installerImage: talosInstallerImage(spec.talosVersion, desired.talos.schematicId),
      installDisk: spec.shape.installDisk,
      podSubnets: desired.network.podSubnets,
      serviceSubnets: desired.network.serviceSubnets,
      // Cluster-wide patches first, then the group's own.
      strategicPatches: [...desired.talos.strategicPatches, ...(spec.patches?.strategicPatches ?? [])],
      configPatches: [...desired.talos.configPatches, ...(spec.patches?.configPatches ?? [])],
    },
    bootstrap: machine.bootstrap,
    ...(machine.alongsideControlPlane === true ? { alongsideControlPlane: true } : {}),
  };
}

/** The machine's full config input: the cluster-wide part plus its hostname, static network (with its shared IP) and provider ID. */
export function machineConfig(
  config: CreateMachineInput['config'],
  machine: string,
  address: StaticAddress,
  providerID: string | undefined,
): MachineConfigInput {
  const { sharedIp, ...rest } = config;
  return {
    ...rest,
    hostname: machine,
    ...(providerID === undefined ? {} : { providerID }),
    network: {
      interface: 'eth0',
      addresses: [`${address.ip}/${address.prefix}`],
      ...(address.gateway ? { gateway: address.gateway } : {}),
      nameservers: address.dns,
      ...(sharedIp === undefined ? {} : { vip: sharedIp }),
    },
  };
}

/** How long draining this machine may wait on PodDisruptionBudgets (its group's `nodeDrainTimeoutSeconds`), and what then. */
export function drainOf(
  desired: DesiredCluster,
  machine: Pick<ObservedMachine, 'role' | 'deployment'>,
): { readonly timeoutSeconds: number; readonly onTimeout: DrainTimeoutAction } {
  const spec = machineSpecOf(desired, machine);
  return { timeoutSeconds: spec.drainTimeoutSeconds, onTimeout: spec.drainTimeoutAction };
}

/** A machine known only by what was observed of it (a stray VM has nothing more). */
export interface MachineToDelete {
  readonly name: string;
  readonly role: MachineRole;
  readonly deployment?: string | undefined;
  readonly vm?: { readonly node: string; readonly vmid: number } | undefined;
  readonly address?: StaticAddress | undefined;
}

/** What removing a machine takes; the VM is recognised by name and owner marker, not by its shape. */
export function deleteMachineInput(
  desired: DesiredCluster,
  machine: MachineToDelete,
  options: Pick<DeleteMachineInput, 'detached' | 'etcdLeft' | 'reportTo'> = {},
): DeleteMachineInput {
  const spec = createMachineInput(
    desired,
    { name: machine.name, role: machine.role, bootstrap: false, ...(machine.deployment ? { deployment: machine.deployment } : {}) },
    '',
  );
  const address = machine.address ?? { ip: '0.0.0.0', prefix: 32 };
  const drain = drainOf(desired, machine);
  return {
    cluster: spec.cluster,
    machine: machine.name,
    role: machine.role,
    ...(machine.vm ? { vm: machine.vm } : {}),
    ...(machine.address ? { address: machine.address.ip } : {}),
    vmSpec: { ...spec.vm, cluster: clusterKey(spec.cluster), machine: machine.name, address },
    drainTimeoutSeconds: drain.timeoutSeconds,
    drainTimeoutAction: drain.onTimeout,
    ...options,
  };
}

/** The delete input of an observed machine. */
export function toDelete(machine: ObservedMachine): MachineToDelete {
  return {
    name: machine.name,
    role: machine.role,
    deployment: machine.deployment,
    vm: machine.vm,
    address: machine.staticAddress,
  };
}
