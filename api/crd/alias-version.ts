import type { CrdManifest } from './define-crd.ts';

/**
 * Serves a CRD's one version under a second name too, with the same schema (conversion `None`:
 * the API server only rewrites apiVersion), deprecated, so `kubectl apply` of a manifest written
 * with that apiVersion works and prints the warning saying which apiVersion to write instead.
 */
export function withAliasVersion(crd: CrdManifest, alias: string, deprecationWarning: string): CrdManifest {
  const [served, ...others] = crd.spec.versions;
  if (served === undefined || others.length > 0) throw new Error(`${crd.metadata.name}: an alias needs exactly one version to copy`);
  if (served.name === alias) throw new Error(`${crd.metadata.name} already serves ${alias}`);
  return {
    ...crd,
    spec: {
      ...crd.spec,
      versions: [served, { ...served, name: alias, storage: false, deprecated: true, deprecationWarning }],
    },
  };
}
