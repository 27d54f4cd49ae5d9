import type { ClusterRef } from './cluster-ref.ts';

/**
 * What an operator can do about a blocked step, in one sentence, the same on the Cluster's
 * condition, its Events and in the CLI: retry for a transient cause, a corrected spec for a wrong
 * one (it replaces the blocked operation; no abort needed), abort to stop. The commands are
 * complete as written: the namespace (unless default) and abort's required reason.
 */
export function blockedRemedy(cluster: ClusterRef): string {
  const target = cluster.namespace === 'default' ? cluster.name : `${cluster.name} -n ${cluster.namespace}`;
  return `\`capstan retry ${target}\` runs it again once the cause is fixed; a corrected spec (kubectl apply or patch) replaces the blocked operation; \`capstan abort ${target} --reason "<why>"\` ends it`;
}
