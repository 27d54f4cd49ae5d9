import type { VersionCatalog } from '../versions.ts';

/**
 * The versions Capstan plans with when a Cluster names no catalog of its own.
 *
 * Where the catalog comes from, in order:
 * 1. the ConfigMap a Cluster names in its `capstan.dev/version-catalog` annotation (key
 *    `catalog.yaml`, the shape of `VersionCatalog`): how an operator adds releases newer than
 *    this Capstan, or keeps a fleet on versions they have vetted;
 * 2. otherwise this list, which ships with Capstan like a provider's built-in defaults.
 *
 * Only released versions belong here: a chained upgrade installs every minor's latest patch it
 * finds, so a version listed by mistake would be pulled for real. Talos support ranges are those
 * of Talos' support matrix.
 */
export const defaultVersionCatalog: VersionCatalog = {
  kubernetes: ['v1.30.14', 'v1.31.13', 'v1.32.9', 'v1.33.4', 'v1.33.5', 'v1.34.1', 'v1.34.2', 'v1.35.0'],
  talos: [
    { version: 'v1.10.7', kubernetesMin: 'v1.28', kubernetesMax: 'v1.33' },
    { version: 'v1.11.5', kubernetesMin: 'v1.29', kubernetesMax: 'v1.34' },
    { version: 'v1.12.0', kubernetesMin: 'v1.30', kubernetesMax: 'v1.35' },
  ],
};
