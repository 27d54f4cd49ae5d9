import { classifiedTalos } from '../machine-api/classify-talos-error.ts';
import { readFileFromTarGz } from '../machine-api/tar-gz.ts';
import { activityCallOptions, clusterCredentials, withClient, type TalosActivityDeps, type TalosNodeRef } from './talos-session.ts';
import { clusterSecretLabels, clusterSecretType, kubeconfigSecret } from '../../../api/cluster-secrets.ts';
import type { SecretKeyRef } from '../../../api/cluster-secrets.ts';

/** Where the kubeconfig went: the Secret reference, never its content. */
export interface FetchKubeconfigResult {
  readonly secret: SecretKeyRef;
}

/**
 * Fetches the admin kubeconfig from a control-plane node (a .tar.gz holding one file,
 * `kubeconfig`) and stores it as the cluster's `<cluster>-kubeconfig` Secret, key `value`,
 * where node operations and users (`capstan kubeconfig`) find it.
 */
export async function fetchKubeconfig(deps: TalosActivityDeps, input: TalosNodeRef): Promise<FetchKubeconfigResult> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const archive = await classifiedTalos(`fetching the kubeconfig from ${input.address}`, () =>
    withClient(input.address, credentials, (client) => client.kubeconfigArchive(undefined, activityCallOptions(60_000))),
  );
  const kubeconfig = readFileFromTarGz(archive, 'kubeconfig').toString('utf8');
  const secret = kubeconfigSecret(input.cluster);
  await deps.secrets.write(secret, kubeconfig, { labels: clusterSecretLabels(input.cluster), type: clusterSecretType });
  return { secret };
}
