import { compareVersions, minorOf, type TalosRelease, type VersionCatalog } from '../../../api/versions.ts';

/** The Kubernetes and Talos versions a generated cluster starts at. */
export interface ChosenVersions {
  readonly kubernetes: string;
  readonly talos: string;
}

/** Why the versions asked for cannot be used, naming the option at fault. */
export interface VersionProblem {
  readonly key: 'kubernetesVersion' | 'talosVersion';
  readonly message: string;
}

const runs = (release: TalosRelease, kubernetes: string): boolean =>
  compareVersions(minorOf(kubernetes), release.kubernetesMin) >= 0 && compareVersions(minorOf(kubernetes), release.kubernetesMax) <= 0;

const newest = <T>(items: readonly T[], version: (item: T) => string): T | undefined =>
  [...items].sort((a, b) => compareVersions(version(a), version(b))).at(-1);

/**
 * Only catalog versions: the mapping warns that it cannot plan upgrades to others, and refuses a
 * Talos release whose Kubernetes range it does not know. What is not given is the newest the
 * other runs, so a bare `generate` starts at the newest pair Capstan knows.
 */
export function chooseVersions(
  catalog: VersionCatalog,
  asked: { readonly kubernetes?: string | undefined; readonly talos?: string | undefined },
): ChosenVersions | VersionProblem {
  const known = (list: readonly string[]): string => list.join(', ');
  if (asked.kubernetes !== undefined && !catalog.kubernetes.includes(asked.kubernetes))
    return {
      key: 'kubernetesVersion',
      message: `${asked.kubernetes} is not in Capstan's version catalog; choose one of ${known(catalog.kubernetes)}`,
    };
  const talosNames = catalog.talos.map((r) => r.version);
  const askedRelease = asked.talos === undefined ? undefined : catalog.talos.find((r) => r.version === asked.talos);
  if (asked.talos !== undefined && askedRelease === undefined)
    return { key: 'talosVersion', message: `${asked.talos} is not in Capstan's version catalog; choose one of ${known(talosNames)}` };

  if (askedRelease !== undefined) {
    if (asked.kubernetes !== undefined && !runs(askedRelease, asked.kubernetes))
      return {
        key: 'kubernetesVersion',
        message: `Talos ${askedRelease.version} runs Kubernetes ${askedRelease.kubernetesMin} to ${askedRelease.kubernetesMax}, not ${asked.kubernetes}; change --kubernetes-version or --talos-version`,
      };
    const kubernetes =
      asked.kubernetes ??
      newest(
        catalog.kubernetes.filter((k) => runs(askedRelease, k)),
        (k) => k,
      );
    if (kubernetes === undefined)
      return { key: 'talosVersion', message: `the version catalog lists no Kubernetes version that Talos ${askedRelease.version} runs` };
    return { kubernetes, talos: askedRelease.version };
  }
  const kubernetes = asked.kubernetes ?? newest(catalog.kubernetes, (k) => k);
  const release =
    kubernetes === undefined
      ? undefined
      : newest(
          catalog.talos.filter((r) => runs(r, kubernetes)),
          (r) => r.version,
        );
  if (kubernetes === undefined || release === undefined)
    return {
      key: 'kubernetesVersion',
      message: `no Talos release in the version catalog runs Kubernetes ${kubernetes ?? '(none listed)'}`,
    };
  return { kubernetes, talos: release.version };
}
