/**
 * What an operator can do about a blocked step, in one sentence, the same on the Cluster's
 * condition, its Events and in the CLI: retry for a transient cause, a corrected spec for a wrong
 * one (it replaces the blocked operation; no abort needed), abort to stop.
 */
export function blockedRemedy(cluster: string): string {
  return `\`capstan retry ${cluster}\` runs it again once the cause is fixed; a corrected spec (kubectl apply or patch) replaces the blocked operation; \`capstan abort ${cluster}\` ends it`;
}
