import { CliError } from '../cli-error.ts';
import { namespaceFlag } from '../cluster-ref.ts';
import type { CliClients } from '../context.ts';
import { clusterNames, ObjectReader } from './cluster-objects.ts';
import { Resources } from './resources.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { clusterKey } from '../../../api/cluster-ref.ts';

/** Whether the Cluster object exists; false also when the management cluster cannot be asked. */
export async function hasClusterObject(clients: CliClients, ref: ClusterRef): Promise<boolean> {
  try {
    return (await new ObjectReader(await clients.kube(), ref.namespace).get(Resources.Cluster, ref.name)) !== undefined;
  } catch {
    return false;
  }
}

/**
 * The error for a cluster whose workflow does not exist: unknown (no Cluster object either, with
 * the names that do exist as a hint), or not started yet (the object is there). Kubernetes is
 * asked only to word the error better; when it cannot be reached the error says less.
 */
export async function noWorkflowError(clients: CliClients, ref: ClusterRef, doing: string): Promise<CliError> {
  let names: string[] | undefined;
  let hasObject = false;
  try {
    const kube = await clients.kube();
    hasObject = (await new ObjectReader(kube, ref.namespace).get(Resources.Cluster, ref.name)) !== undefined;
    if (!hasObject) names = await clusterNames(kube, ref.namespace);
  } catch {
    // Only the hint suffers.
  }
  if (hasObject) {
    return new CliError(
      `cluster ${clusterKey(ref)} has no cluster workflow yet, so there is nothing to ${doing}`,
      `the Capstan controller starts it once the Cluster's spec is valid; capstan describe cluster ${ref.name}${namespaceFlag(ref)} shows its conditions`,
    );
  }
  return unknownClusterError(ref, names);
}

/** The error for a cluster with neither a Cluster object nor a cluster workflow. */
export function unknownClusterError(ref: ClusterRef, names: readonly string[] | undefined): CliError {
  const known =
    names === undefined
      ? 'check the name and the namespace (-n)'
      : names.length === 0
        ? `namespace ${ref.namespace} has no Clusters; check -n/--namespace`
        : `Clusters in namespace ${ref.namespace}: ${names.join(', ')}`;
  return new CliError(`cluster ${clusterKey(ref)} not found: no Cluster object and no cluster workflow`, known);
}
