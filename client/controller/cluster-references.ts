import { stringAt, type RawObject } from './raw-object.ts';

/** The name a Cluster's reference at `path` gives, when it is of `kind` and in the Cluster's namespace (as CAPI requires). */
export function referencedName(cluster: RawObject, path: string, kind: string): string | undefined {
  const name = stringAt(cluster, `${path}.name`);
  const namespace = stringAt(cluster, `${path}.namespace`);
  if (name === undefined || stringAt(cluster, `${path}.kind`) !== kind) return undefined;
  if (namespace !== undefined && namespace !== cluster.metadata?.namespace) return undefined;
  return name;
}

/** Whether another of `clusters` references the same object at `path`: one cluster's delete never takes down what another uses. */
export function isSharedReference(cluster: RawObject, path: string, clusters: readonly RawObject[]): boolean {
  const name = stringAt(cluster, `${path}.name`);
  const kind = stringAt(cluster, `${path}.kind`);
  return clusters.some(
    (other) =>
      other.metadata?.name !== cluster.metadata?.name &&
      stringAt(other, `${path}.name`) === name &&
      stringAt(other, `${path}.kind`) === kind,
  );
}
