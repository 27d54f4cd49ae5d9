import type { DesiredCluster } from '../api/desired-cluster.ts';
import type { ObservedMachine } from '../api/observed-cluster.ts';
import { talosReleaseOf, talosSupports } from './catalog.ts';
import { checkSkew } from './skew.ts';

const machinesWord = (n: number): string => (n === 1 ? '1 machine' : `${n} machines`);

/** Why the desired versions cannot be built as they are (Talos cannot run them, or they break skew), if so. */
export function refuseDesiredVersions(desired: DesiredCluster): string | undefined {
  const talos = talosReleaseOf(desired.versionCatalog, desired.talosVersion);
  if (!talos) return `Talos ${desired.talosVersion} is not in the version catalog, so the Kubernetes versions it supports are unknown`;
  if (!talosSupports(talos, desired.kubernetesVersion)) {
    return `Talos ${desired.talosVersion} supports Kubernetes ${talos.kubernetesMin} to ${talos.kubernetesMax}, not ${desired.kubernetesVersion}`;
  }
  const kubelets = desired.machineDeployments.map((md) => ({
    name: `the kubelets of ${md.name}`,
    version: md.kubernetesVersion ?? desired.kubernetesVersion,
  }));
  const violation = checkSkew({ apiservers: [{ name: 'kube-apiserver', version: desired.kubernetesVersion }], kubelets })[0];
  return violation ? `the desired versions break the Kubernetes version-skew policy: ${violation.message}` : undefined;
}

/** The provisioning steps by what they build (control planes and workers run side by side). */
export interface ProvisionStepNames {
  readonly reserve: string;
  /** Bootstraps etcd and stores the kubeconfig and talosconfig. */
  readonly firstControlPlane: string;
  /** One per further control plane, in the order they join etcd. */
  readonly joiningControlPlanes: readonly string[];
  /** One per MachineDeployment with replicas, by its name. */
  readonly workers: ReadonlyMap<string, string>;
  readonly ready: string;
}

/** The provisioning steps' names (the workflow resumes an interrupted provisioning from what it observes). */
export function provisionStepNames(desired: DesiredCluster): ProvisionStepNames {
  const replicas = desired.controlPlane.replicas;
  const joining: string[] = [];
  for (let n = 2; n <= replicas; n += 1) joining.push(`create control-plane machine ${n} of ${replicas} and join etcd`);
  return {
    reserve: 'reserve IP addresses and the control-plane endpoint',
    firstControlPlane: `create control-plane machine 1 of ${replicas}, bootstrap etcd, store the kubeconfig and talosconfig`,
    joiningControlPlanes: joining,
    workers: new Map(
      desired.machineDeployments.filter((d) => d.replicas > 0).map((md) => [md.name, `create ${machinesWord(md.replicas)} in ${md.name}`]),
    ),
    ready: 'wait until every node is Ready',
  };
}

/** The provisioning steps as a list, in the order they start. */
export function provisionSteps(desired: DesiredCluster): string[] {
  const names = provisionStepNames(desired);
  return [names.reserve, names.firstControlPlane, ...names.joiningControlPlanes, ...names.workers.values(), names.ready];
}

/** The deletion steps: workers first, then the control plane, then what the cluster held outside its VMs. */
export function deleteSteps(machines: readonly ObservedMachine[]): string[] {
  const steps: string[] = [];
  const groups = [...new Set(machines.filter((m) => m.role === 'worker').map((m) => m.deployment ?? 'no deployment'))].sort();
  for (const group of groups)
    steps.push(
      `delete ${machinesWord(machines.filter((m) => m.role === 'worker' && (m.deployment ?? 'no deployment') === group).length)} of ${group}`,
    );
  const controlPlane = machines.filter((m) => m.role === 'control-plane').length;
  if (controlPlane > 0) steps.push(`delete ${machinesWord(controlPlane)} of the control plane`);
  steps.push('release the IP addresses', 'remove the kubeconfig and talosconfig Secrets');
  return steps;
}
