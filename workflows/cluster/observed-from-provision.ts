import type { DesiredCluster } from '../../api/desired-cluster.ts';
import type { MachineRole, ObservedCluster, ObservedMachine } from '../../api/observed-cluster.ts';
import { shapeHash } from '../../plan/shape-hash.ts';
import type { ProvisionResult } from '../provision-workflow.ts';

/**
 * The cluster as a provisioning left it: built machines Running, unfinished ones (after an abort)
 * Failed so the next operation removes them. etcd counts as bootstrapped once any control plane
 * was started, built or not: Capstan would rather refuse than bootstrap twice.
 */
export function observedFromProvision(desired: DesiredCluster, result: ProvisionResult, now: string): ObservedCluster {
  const group = (deployment: string | undefined) => desired.machineDeployments.find((md) => md.name === deployment);
  const base = (name: string, role: MachineRole, deployment: string | undefined) => ({
    name,
    role,
    ...(deployment ? { deployment } : {}),
    kubernetesVersion: (role === 'worker' ? group(deployment)?.kubernetesVersion : undefined) ?? desired.kubernetesVersion,
    talosVersion: desired.talosVersion,
    shapeHash: shapeHash(role === 'worker' ? (group(deployment)?.machine ?? desired.controlPlane.machine) : desired.controlPlane.machine),
    createdAt: now,
  });
  const built: ObservedMachine[] = result.machines.map((m) => {
    const known = base(m.machine, m.role, m.deployment);
    return {
      ...known,
      kubernetesVersion: m.kubeletVersion || known.kubernetesVersion,
      phase: 'Running',
      ready: true,
      vm: m.vm,
      address: m.address.ip,
      staticAddress: m.address,
    };
  });
  const unfinished: ObservedMachine[] = (result.unfinished ?? []).map((m) => ({
    ...base(m.name, m.role, m.deployment),
    phase: 'Failed',
    ready: false,
  }));
  const machines = [...built, ...unfinished];
  return {
    machines,
    bootstrapped: machines.some((m) => m.role === 'control-plane'),
    ...(result.endpoint ? { controlPlaneEndpoint: result.endpoint } : {}),
  };
}
