import { CoreV1Api } from '@kubernetes/client-node';
import { CliError } from '../cli-error.ts';
import { namespaceFlag } from '../cluster-ref.ts';
import { explainKubeError } from '../connect/kube.ts';
import type { CliContext } from '../context.ts';
import { clusterNames, ObjectReader } from '../read/cluster-objects.ts';
import { Resources } from '../read/resources.ts';
import { unknownClusterError } from '../read/unknown-cluster.ts';
import { kubeconfigSecret, talosconfigSecret } from '../../../api/cluster-secrets.ts';
import { clusterKey } from '../../../api/cluster-ref.ts';
import { isNotFound } from '../../../runtime/kubernetes-api-errors.ts';

/** The cluster secrets `capstan get` prints. */
export const secretKinds = {
  kubeconfig: { ref: kubeconfigSecret, use: 'kubectl --kubeconfig' },
  talosconfig: { ref: talosconfigSecret, use: 'talosctl --talosconfig' },
} as const;
export type SecretKind = keyof typeof secretKinds;

/**
 * `capstan get kubeconfig|talosconfig <name>`: the admin config from the cluster's Secret, on
 * stdout only (for `> file`); nothing else is written there.
 */
export async function getSecretCommand(ctx: CliContext, kind: SecretKind, name: string): Promise<number> {
  const ref = { namespace: ctx.namespace, name };
  const secretRef = secretKinds[kind].ref({ namespace: ref.namespace, name: name });
  const kube = await ctx.clients.kube();
  let data: Record<string, string> | undefined;
  try {
    data = (await kube.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: secretRef.namespace, name: secretRef.name }))
      .data;
  } catch (error) {
    if (!isNotFound(error)) throw explainKubeError(error, kube, `reading Secret ${secretRef.namespace}/${secretRef.name}`);
  }
  const encoded = data?.[secretRef.key];
  if (encoded === undefined) {
    const cluster = await new ObjectReader(kube, ref.namespace).get(Resources.Cluster, name);
    if (!cluster && data === undefined) {
      const known = unknownClusterError(ref, await clusterNames(kube, ref.namespace));
      throw new CliError(`no ${kind} for ${clusterKey(ref)}: no Secret ${secretRef.name} and no Cluster object`, known.hint);
    }
    const what =
      data === undefined
        ? `Secret ${secretRef.namespace}/${secretRef.name} does not exist yet`
        : `Secret ${secretRef.namespace}/${secretRef.name} has no key "${secretRef.key}"`;
    throw new CliError(
      `no ${kind} for ${clusterKey(ref)}: ${what}`,
      `it is written once the control plane is bootstrapped; capstan describe cluster ${name}${namespaceFlag(ref)} shows how far provisioning is`,
    );
  }
  ctx.io.stdout.write(Buffer.from(encoded, 'base64').toString('utf8'));
  return 0;
}
