import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { ErrorType } from '../../api/errors.ts';
import type { ProxmoxCredentialsRef } from '../../api/proxmox-credentials.ts';
import { isNotFound } from '../../runtime/kubernetes-api-errors.ts';
import { failure } from '../failure.ts';
import { classifyKubernetesError } from '../kubernetes/kubernetes-errors.ts';
import { connectionFromSecret, describeCredentials } from './credentials-secret.ts';
import { ProxmoxClient } from './proxmox-client.ts';

/** Which Proxmox VE a cluster's activities talk to: one worker serves several. */
export interface ProxmoxClients {
  /** The client of a cluster's credentials Secret, or the worker's own when the cluster names none. */
  forCluster(credentials: ProxmoxCredentialsRef | undefined): Promise<ProxmoxClient>;
}

/** Always the same client, whatever the cluster names (activity tests against one simulator). */
export function oneProxmoxClient(client: ProxmoxClient): ProxmoxClients {
  return { forCluster: () => Promise.resolve(client) };
}

/**
 * Clients built from the clusters' credentials Secrets in the management cluster, read at every
 * call and rebuilt only when the Secret's resourceVersion changed: a rotated token is used by the
 * next activity, without restarting the worker. `fallback` (the worker's PROXMOX_* settings)
 * serves clusters without a credentialsRef.
 */
export function secretProxmoxClients(managementCluster: KubeConfig, fallback: ProxmoxClient | undefined): ProxmoxClients {
  const core = managementCluster.makeApiClient(CoreV1Api);
  const built = new Map<string, { readonly resourceVersion: string; readonly client: ProxmoxClient }>();
  return {
    async forCluster(credentials) {
      if (credentials === undefined) {
        if (fallback) return fallback;
        throw failure(
          ErrorType.ProxmoxCredentialsInvalid,
          'the ProxmoxCluster has no spec.credentialsRef and this worker has no Proxmox settings of its own (PROXMOX_URL, PROXMOX_TOKEN_ID, PROXMOX_TOKEN_SECRET): set spec.credentialsRef to a Secret with the keys url, token and secret',
        );
      }
      const secret = await readSecret(core, credentials);
      const key = `${credentials.namespace}/${credentials.name}`;
      const resourceVersion = secret.metadata?.resourceVersion ?? '';
      const known = built.get(key);
      if (known && resourceVersion !== '' && known.resourceVersion === resourceVersion) return known.client;
      const client = new ProxmoxClient(connectionFromSecret(credentials, secret.data));
      built.set(key, { resourceVersion, client });
      return client;
    },
  };
}

async function readSecret(core: CoreV1Api, ref: ProxmoxCredentialsRef): Promise<V1Secret> {
  try {
    return await core.readNamespacedSecret({ namespace: ref.namespace, name: ref.name });
  } catch (error) {
    if (isNotFound(error))
      throw failure(
        ErrorType.ProxmoxCredentialsInvalid,
        `${describeCredentials(ref)} (the ProxmoxCluster's spec.credentialsRef) does not exist: create it with the keys url, token and secret, or correct spec.credentialsRef`,
      );
    throw classifyKubernetesError(error, `reading the Proxmox credentials ${describeCredentials(ref)}`);
  }
}
