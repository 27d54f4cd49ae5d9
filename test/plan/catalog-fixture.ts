import type { VersionCatalog } from '../../api/versions.ts';

/** Kubernetes v1.28–v1.36 with a few patches each, and Talos v1.10–v1.13 with their real support ranges. */
export const catalog: VersionCatalog = {
  kubernetes: [
    'v1.28.0',
    'v1.28.3',
    'v1.29.0',
    'v1.29.1',
    'v1.29.5',
    'v1.30.0',
    'v1.30.4',
    'v1.31.2',
    'v1.31.7',
    'v1.32.3',
    'v1.32.9',
    'v1.33.1',
    'v1.33.4',
    'v1.33.6',
    'v1.34.0',
    'v1.34.2',
    'v1.35.1',
    'v1.35.3',
    'v1.36.0',
    'v1.36.1',
  ],
  talos: [
    { version: 'v1.10.7', kubernetesMin: 'v1.28', kubernetesMax: 'v1.33' },
    { version: 'v1.11.2', kubernetesMin: 'v1.29', kubernetesMax: 'v1.34' },
    { version: 'v1.11.5', kubernetesMin: 'v1.29', kubernetesMax: 'v1.34' },
    { version: 'v1.12.0', kubernetesMin: 'v1.30', kubernetesMax: 'v1.35' },
    { version: 'v1.12.4', kubernetesMin: 'v1.30', kubernetesMax: 'v1.35' },
    { version: 'v1.13.0', kubernetesMin: 'v1.31', kubernetesMax: 'v1.36' },
    { version: 'v1.13.2', kubernetesMin: 'v1.31', kubernetesMax: 'v1.36' },
  ],
};

/** The catalog without some versions, for "no path" cases. */
export function catalogWithout(...versions: string[]): VersionCatalog {
  return {
    kubernetes: catalog.kubernetes.filter((v) => !versions.includes(v)),
    talos: catalog.talos.filter((r) => !versions.includes(r.version)),
  };
}
