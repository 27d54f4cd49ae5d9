import { ApiextensionsV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { CrdManifest } from '../../api/crd/define-crd.ts';

/** Field manager of everything Capstan writes with server-side apply. */
export const fieldManager = 'capstan';

/**
 * Applies CRDs (server-side apply, so re-running is harmless) and waits until each is served:
 * Established, and listable — a new CRD answers 429 while its watch cache starts.
 */
export async function applyCrds(kubeConfig: KubeConfig, crds: readonly CrdManifest[], timeoutMs = 30_000): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  for (const crd of crds) {
    await api.patchCustomResourceDefinition(
      { name: crd.metadata.name, body: crd, fieldManager, force: true },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
  }
  const objects = kubeConfig.makeApiClient(CustomObjectsApi);
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    const { group, names, versions } = crd.spec;
    const served = async (): Promise<boolean> => {
      const current = await api.readCustomResourceDefinition({ name: crd.metadata.name });
      if (!current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
      await objects.listClusterCustomObject({ group, version: versions[0]?.name ?? '', plural: names.plural, limit: 1 });
      return true;
    };
    while (!(await served().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} was not served within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
