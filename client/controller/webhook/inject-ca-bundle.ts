// The other half of a serving certificate: the API server must trust it. The CRDs install without
// a caBundle (deploy/ cannot know a CA made at run time), and each replica writes it in at start.
import { ApiextensionsV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';

/** Sets `spec.conversion.webhook.clientConfig.caBundle` of each named CRD to `caPem`, where it differs. */
export async function injectCaBundle(kubeConfig: KubeConfig, crdNames: readonly string[], caPem: string): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const caBundle = Buffer.from(caPem, 'utf8').toString('base64');
  for (const name of crdNames) {
    const crd = await api.readCustomResourceDefinition({ name });
    const webhook = crd.spec.conversion?.webhook;
    if (crd.spec.conversion?.strategy !== 'Webhook' || webhook?.clientConfig === undefined) {
      throw new Error(
        `CRD ${name} has no conversion webhook to trust the controller's CA: install the CRDs from config/crd (npm run generate:crds)`,
      );
    }
    if (webhook.clientConfig.caBundle === caBundle) continue;
    await api.patchCustomResourceDefinition(
      { name, body: { spec: { conversion: { webhook: { clientConfig: { caBundle } } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }
}
