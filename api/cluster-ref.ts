/** A cluster by its Cluster object in the management cluster: how every layer names a cluster. */
export interface ClusterRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * `<namespace>/<name>`: the one text form of a cluster, used in messages, as the controller's
 * work-queue key and as the CapstanCluster search attribute's value.
 */
export function clusterKey(ref: ClusterRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/** `default/demo` → its namespace and name (names cannot contain `/`, so the first one splits). */
export function parseClusterKey(key: string): ClusterRef {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) throw new Error(`not a cluster key: ${key}`);
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
