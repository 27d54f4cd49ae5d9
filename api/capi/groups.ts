/**
 * The API groups and versions of the kinds CAPI users write. Capstan serves them under the same
 * names so their manifests apply unchanged; it replaces CAPI's controllers rather than joining them.
 */
export const capiGroup = 'cluster.x-k8s.io';
export const capiVersion = 'v1beta1';
export const controlPlaneGroup = 'controlplane.cluster.x-k8s.io';
export const controlPlaneVersion = 'v1alpha3';
export const bootstrapGroup = 'bootstrap.cluster.x-k8s.io';
export const bootstrapVersion = 'v1alpha3';
export const infrastructureGroup = 'infrastructure.cluster.x-k8s.io';
export const infrastructureVersion = 'v1alpha1';

/** `kubectl get cluster-api` lists every kind in this category, as with CAPI. */
export const capiCategory = 'cluster-api';

/** The group of an `apiVersion` (`cluster.x-k8s.io/v1beta1` → `cluster.x-k8s.io`; `v1` → ``). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/**
 * CAPI's storage version since v1.11. Capstan's code reads and writes `capiVersion`; with the
 * two-version CRDs the API server stores this one and converts through Capstan's webhook.
 */
export const capiStorageVersion = 'v1beta2';
