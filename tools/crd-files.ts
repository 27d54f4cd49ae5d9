// The CRD YAML files of config/crd/, rendered from api/: shared by `npm run generate:crds` and the
// test that fails when the committed files drift from the zod schemas.
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CrdManifest } from '../api/crd/define-crd.ts';
import { capstanInstallCrds } from '../api/crds.ts';
import { projectDir } from './tool-paths.ts';

/** Where the generated CRDs live: `kubectl apply -f config/crd/` installs them all. */
export const crdDir = join(projectDir, 'config', 'crd');

const header = '# Generated from the zod schemas in api/ by `npm run generate:crds`; do not edit.\n';

/** File name (kubebuilder's `<group>_<plural>.yaml`) → content, for every CRD Capstan needs. */
export function renderCrdFiles(crds: readonly CrdManifest[] = capstanInstallCrds): Map<string, string> {
  return new Map(
    crds.map((crd) => [
      `${crd.spec.group}_${crd.spec.names.plural}.yaml`,
      header + stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false }),
    ]),
  );
}

/**
 * config/kustomization.yaml: the CRDs as a kustomize base, which deploy/ builds on. It sits beside
 * crd/, not in it, so `kubectl apply -f config/crd/` still finds nothing but CRDs.
 */
export const crdKustomizationFile = join(projectDir, 'config', 'kustomization.yaml');

/** The content of config/kustomization.yaml for these CRD files. */
export function renderCrdKustomization(files: ReadonlyMap<string, string> = renderCrdFiles()): string {
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...files.keys()].sort().map((name) => `crd/${name}`),
  };
  return header + stringify(kustomization, { lineWidth: 0 });
}
