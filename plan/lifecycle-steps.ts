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

/** The provisioning steps, in order (the workflow resumes an interrupted provisioning at the first one not done). */
export function provisionSteps(desired: DesiredCluster): string[] {
  const replicas = desired.controlPlane.replicas;
  const steps = [
    'reserve IP addresses and the control-plane endpoint',
    `create control-plane machine 1 of ${replicas} and bootstrap etcd`,
    'store the kubeconfig and talosconfig in Secrets',
  ];
  for (let n = 2; n <= replicas; n += 1) steps.push(`create control-plane machine ${n} of ${replicas}`);
  for (const md of desired.machineDeployments.filter((d) => d.replicas > 0))
    steps.push(`create ${machinesWord(md.replicas)} in ${md.name}`);
  steps.push('wait until every node is Ready');
  return steps;
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
