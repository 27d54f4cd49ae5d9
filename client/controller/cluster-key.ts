/** A cluster's work-queue key, `<namespace>/<name>`: the controller does all its work per cluster. */
export type ClusterKey = string;

/** `default`, `demo` → `default/demo`. */
export function clusterKeyOf(namespace: string, name: string): ClusterKey {
  return `${namespace}/${name}`;
}

/** `default/demo` → its namespace and name (names cannot contain `/`, so the first one splits). */
export function parseClusterKey(key: ClusterKey): { readonly namespace: string; readonly name: string } {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) throw new Error(`not a cluster key: ${key}`);
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
