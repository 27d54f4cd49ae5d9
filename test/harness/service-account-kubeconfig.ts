// A kubeconfig that authenticates as a ServiceAccount with a token from the TokenRequest API,
// as the kubelet projects into a pod: the process holding it has exactly the SA's RBAC.
import { writeFileSync } from 'node:fs';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

/** The ServiceAccount's identity as RBAC and the audit log name it. */
export const serviceAccountUser = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`;

/**
 * Requests a token for `namespace/name` (creating the ServiceAccount when missing) with the admin
 * kubeconfig, and writes a kubeconfig holding it to `path`; returns the token.
 */
export async function writeServiceAccountKubeconfig(
  admin: KubeConfig,
  serviceAccount: { readonly namespace: string; readonly name: string },
  path: string,
  expirationSeconds = 3_600,
): Promise<string> {
  const { namespace, name } = serviceAccount;
  const core = admin.makeApiClient(CoreV1Api);
  await core
    .readNamespacedServiceAccount({ namespace, name })
    .catch(() => core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } }));
  // No audiences: the token is for the API server itself, as a pod's projected token is.
  const request = await core.createNamespacedServiceAccountToken({ namespace, name, body: { spec: { audiences: [], expirationSeconds } } });
  const token = request.status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no current cluster');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'management', cluster: { server: cluster.server, 'certificate-authority-data': cluster.caData } }],
    users: [{ name: serviceAccountUser(namespace, name), user: { token } }],
    contexts: [{ name: 'management', context: { cluster: 'management', user: serviceAccountUser(namespace, name), namespace } }],
    'current-context': 'management',
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return token;
}
