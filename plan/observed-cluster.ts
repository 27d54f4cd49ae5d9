import type { ClusterObservation, MachineObservation } from '../api/observation.ts';
import type { ObservedCluster, ObservedMachine, ObservedMachinePhase } from '../api/observed-cluster.ts';

/**
 * Where a machine is in its life, read off what was observed (never remembered): being deleted;
 * failed when the VM it once had is gone; provisioning until its Node has joined; running after.
 */
export function machinePhase(machine: MachineObservation): ObservedMachinePhase {
  if (machine.deleting) return 'Deleting';
  if (!machine.vm) return machine.providerID === undefined ? 'Provisioning' : 'Failed';
  return machine.node || machine.hadNode ? 'Running' : 'Provisioning';
}

/** Serving: its VM runs, its Node is Ready and, for a control plane, its etcd member votes and is healthy. */
export function machineReady(machine: MachineObservation): boolean {
  const etcd = machine.role !== 'control-plane' || (machine.etcd !== undefined && !machine.etcd.learner && machine.etcd.healthy);
  return machine.vm?.status === 'running' && machine.node?.ready === 'True' && etcd;
}

/** The planners' view of one observed machine: versions as the machine reports them where it can. */
export function observedMachine(machine: MachineObservation, etcdObserved: boolean): ObservedMachine {
  return {
    name: machine.name,
    role: machine.role,
    ...(machine.deployment === undefined ? {} : { deployment: machine.deployment }),
    kubernetesVersion: machine.node?.kubeletVersion || machine.intent.kubernetesVersion,
    talosVersion: machine.talos?.reachable ? machine.talos.version : machine.intent.talosVersion,
    shapeHash: machine.intent.shapeHash,
    phase: machinePhase(machine),
    ready: machineReady(machine),
    createdAt: machine.createdAt,
    ...(machine.vm ? { vm: { node: machine.vm.node, vmid: machine.vm.vmid } } : {}),
    ...(machine.address ? { address: machine.address.ip, staticAddress: machine.address } : {}),
    ...(machine.providerID === undefined ? {} : { providerID: machine.providerID }),
    ...(machine.role === 'control-plane' && etcdObserved ? { etcdMember: machine.etcd !== undefined } : {}),
  };
}

/** The cluster as the planners take it, from one observation. */
export function observedCluster(observation: ClusterObservation): ObservedCluster {
  return {
    machines: observation.machines.map((m) => observedMachine(m, observation.etcdMembers !== undefined)),
    bootstrapped: observation.controlPlaneInitialized,
    ...(observation.controlPlaneEndpoint === undefined ? {} : { controlPlaneEndpoint: observation.controlPlaneEndpoint }),
  };
}
