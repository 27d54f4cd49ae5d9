import { classifiedTalos } from '../machine-api/classify-talos-error.ts';
import type { TalosCredentials } from '../machine-api/credentials.ts';
import { readFileFromTarGz } from '../machine-api/tar-gz.ts';
import { activityCallOptions, clusterCredentials, withClient, type TalosActivityDeps, type TalosNodeRef } from './talos-session.ts';
import { clusterSecretLabels, clusterSecretType, kubeconfigSecret } from '../../../api/cluster-secrets.ts';
import type { SecretKeyRef } from '../../../api/cluster-secrets.ts';

/** Where the kubeconfig went: the Secret reference, never its content. */
export interface FetchKubeconfigResult {
  readonly secret: SecretKeyRef;
}

/**
 * Asks a control-plane node for an admin kubeconfig (a .tar.gz holding one file, `kubeconfig`).
 * Talos issues a fresh client certificate for every call, valid for
 * `cluster.adminKubeconfig.certLifetime` (one year by default).
 */
export async function downloadKubeconfig(address: string, credentials: TalosCredentials): Promise<string> {
  const archive = await classifiedTalos(`fetching the kubeconfig from ${address}`, () =>
    withClient(address, credentials, (client) => client.kubeconfigArchive(undefined, activityCallOptions(60_000))),
  );
  return readFileFromTarGz(archive, 'kubeconfig').toString('utf8');
}

/**
 * Fetches the admin kubeconfig from a control-plane node and stores it as the cluster's
 * `<cluster>-kubeconfig` Secret, key `value`, where node operations and users (`capstan
 * kubeconfig`) find it.
 */
export async function fetchKubeconfig(deps: TalosActivityDeps, input: TalosNodeRef): Promise<FetchKubeconfigResult> {
  const kubeconfig = await downloadKubeconfig(input.address, await clusterCredentials(deps.secrets, input.cluster));
  const secret = kubeconfigSecret(input.cluster);
  await deps.secrets.write(secret, kubeconfig, { labels: clusterSecretLabels(input.cluster), type: clusterSecretType });
  return { secret };
}
