// The demo cluster of `npm start`: examples/demo/cluster.yaml, applied once, as a user would
// with `kubectl apply --server-side`. Later starts leave it (and the user's patches) alone.
import { readFileSync } from 'node:fs';
import { CustomObjectsApi, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/** The manifests of the demo, next to the README walkthrough's patches. */
export const demoManifests = new URL('../examples/demo/cluster.yaml', import.meta.url);

/** Applies the demo unless its Cluster exists; says which happened. */
export async function applyDemoOnce(kubeConfig: KubeConfig): Promise<'applied' | 'present'> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const present = await custom
    .getNamespacedCustomObject({ group: 'cluster.x-k8s.io', version: 'v1beta1', namespace: 'default', plural: 'clusters', name: 'demo' })
    .then(() => true, () => false);
  if (present) return 'present';
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const document of parseAllDocuments(readFileSync(demoManifests, 'utf8'))) {
    const object = document.toJS() as KubernetesObject | null;
    if (!object) continue;
    await objects.patch(object, undefined, undefined, 'kubectl', true, PatchStrategy.ServerSideApply);
  }
  return 'applied';
}
