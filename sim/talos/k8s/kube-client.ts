// The simulator's own client of a simulated cluster's kube-apiserver: it acts as every kubelet
// and controller, with an admin client certificate from the cluster's Kubernetes CA.
import { AppsV1Api, CoreV1Api, KubeConfig, PolicyV1Api } from '@kubernetes/client-node';
import type { CertAndKey } from '../pki/issue-certificate.ts';

/** The API groups the simulated kubelets and controllers use. */
export interface KubeApis {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly policy: PolicyV1Api;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Clients for the apiserver at `url` (serving cert signed by `caPem`). */
export function kubeApis(url: string, caPem: string, client: CertAndKey): KubeApis {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'sim', server: url, caData: b64(caPem) }],
    users: [{ name: 'talos-sim', certData: b64(client.certPem), keyData: b64(client.keyPem) }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'talos-sim' }],
    currentContext: 'sim',
  });
  return { core: config.makeApiClient(CoreV1Api), apps: config.makeApiClient(AppsV1Api), policy: config.makeApiClient(PolicyV1Api) };
}

/** The HTTP status of a failed API call, if it was one. */
export function httpStatusOf(error: unknown): number | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/** Runs an API call and ignores the given HTTP statuses (409 conflicts are retried on the next pass). */
export async function ignoring(statuses: readonly number[], call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    const code = httpStatusOf(error);
    if (code === undefined || !statuses.includes(code)) throw error;
  }
}
