// What an operator does before Capstan runs in a management cluster: apply deploy/base (CRDs,
// namespace, ServiceAccounts and their RBAC); then each process gets a token of its own account.
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { buildObjects, kubectl } from '../deploy/kustomize.ts';
import { writeServiceAccountKubeconfig } from './service-account-kubeconfig.ts';

/** The namespace deploy/base runs Capstan in (its Lease lives there too). */
export const capstanSystem = 'capstan-system';

/** Applies deploy/base and writes a kubeconfig of the controller's and of the worker's ServiceAccount into `dir`. */
export async function capstanServiceAccountKubeconfigs(
  management: ManagementCluster,
  dir: string,
): Promise<{ readonly controller: string; readonly worker: string }> {
  // A cluster started with Capstan's CRDs has them served through its loopback webhook: deploy/'s
  // would name the Service in front of the controllers, which this API server cannot reach.
  const objects = buildObjects('base').filter((o) => o.kind !== 'CustomResourceDefinition' || management.conversionWebhook === undefined);
  kubectl(['apply', '--server-side', '-f', '-'], {
    kubeconfig: management.kubeconfigPath,
    input: objects.map((o) => stringify(o)).join('---\n'),
  });
  kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all'], { kubeconfig: management.kubeconfigPath });
  const controller = join(dir, 'controller.kubeconfig');
  const worker = join(dir, 'worker.kubeconfig');
  await writeServiceAccountKubeconfig(management.kubeConfig, { namespace: capstanSystem, name: 'capstan-controller' }, controller);
  await writeServiceAccountKubeconfig(management.kubeConfig, { namespace: capstanSystem, name: 'capstan-worker' }, worker);
  return { controller, worker };
}
