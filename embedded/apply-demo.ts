// The demo cluster of `npm start`: examples/demo/cluster.yaml, applied once, as a user would
// with `kubectl apply --server-side`. Later starts leave it (and the user's patches) alone.
import { readFileSync } from 'node:fs';
import { CustomObjectsApi, KubernetesObjectApi, PatchStrategy, type KubeConfig } from '@kubernetes/client-node';
import { parseManifests, type Manifest } from './manifest.ts';

/** The demo's file, next to the README walkthrough's patches. */
const demoClusterFile = new URL('../examples/demo/cluster.yaml', import.meta.url);

/** The demo cluster's manifests, a fresh copy each call; the benchmark applies them too. */
export function demoClusterManifests(): Manifest[] {
  return parseManifests(readFileSync(demoClusterFile, 'utf8'));
}

/** Applies the demo unless its Cluster exists; says which happened. */
export async function applyDemoOnce(kubeConfig: KubeConfig): Promise<'applied' | 'present'> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const present = await custom
    .getNamespacedCustomObject({ group: 'cluster.x-k8s.io', version: 'v1beta1', namespace: 'default', plural: 'clusters', name: 'demo' })
    .then(
      () => true,
      () => false,
    );
  if (present) return 'present';
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const manifest of demoClusterManifests()) {
    await objects.patch(manifest, undefined, undefined, 'kubectl', true, PatchStrategy.ServerSideApply);
  }
  return 'applied';
}
