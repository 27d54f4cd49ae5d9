import {
  addMinors,
  compareVersions,
  latestPatch,
  minorOf,
  minorsBetween,
  parseVersion,
  type TalosRelease,
  type VersionCatalog,
} from '../api/versions.ts';
import { refuse, type Refusal } from './result.ts';

/** Versions to step through, or why there is no path. */
export type CatalogPath<T> = { readonly ok: true; readonly path: T[] } | Refusal;

/** The Talos release of the catalog for `version`'s minor (its supported Kubernetes range), if known. */
export function talosReleaseOf(catalog: VersionCatalog, version: string): TalosRelease | undefined {
  const sameMinor = catalog.talos.filter((r) => minorOf(r.version) === minorOf(version));
  return sameMinor.find((r) => r.version === version) ?? sameMinor.sort((a, b) => compareVersions(a.version, b.version)).at(-1);
}

/** Whether a Talos release runs Kubernetes `version` (its minor within kubernetesMin–kubernetesMax). */
export function talosSupports(release: TalosRelease, version: string): boolean {
  return compareVersions(minorOf(version), release.kubernetesMin) >= 0 && compareVersions(minorOf(version), release.kubernetesMax) <= 0;
}

/**
 * The Kubernetes versions the control plane visits from `from` to `to`: the latest known patch of
 * every intermediate minor, then `to` itself (CAPI's chained upgrade). Empty when nothing moves.
 */
export function kubernetesPath(catalog: VersionCatalog, from: string, to: string): CatalogPath<string> {
  if (compareVersions(from, to) >= 0) return { ok: true, path: [] };
  if (parseVersion(from).major !== parseVersion(to).major)
    return refuse(`Kubernetes ${from} → ${to} crosses a major version; Capstan does not plan that`);
  if (!catalog.kubernetes.includes(to)) return refuse(`Kubernetes ${to} is not in the version catalog`);
  const path: string[] = [];
  for (let step = 1; step < minorsBetween(from, to); step += 1) {
    const minor = addMinors(from, step);
    const version = latestPatch(catalog.kubernetes, minor);
    if (!version) {
      return refuse(
        `the version catalog has no Kubernetes ${minor}.x, and the control plane cannot skip from ${addMinors(from, step - 1)} to ${addMinors(from, step + 1)}`,
      );
    }
    path.push(version);
  }
  return { ok: true, path: [...path, to] };
}

/** The Talos releases from `from` to `to`: the latest patch of every intermediate minor, then `to`. */
export function talosPath(catalog: VersionCatalog, from: string, to: string): CatalogPath<TalosRelease> {
  if (compareVersions(from, to) >= 0) return { ok: true, path: [] };
  if (parseVersion(from).major !== parseVersion(to).major)
    return refuse(`Talos ${from} → ${to} crosses a major version; Capstan does not plan that`);
  const target = catalog.talos.find((r) => r.version === to);
  if (!target) return refuse(`Talos ${to} is not in the version catalog`);
  const path: TalosRelease[] = [];
  for (let step = 1; step < minorsBetween(from, to); step += 1) {
    const minor = addMinors(from, step);
    const version = latestPatch(
      catalog.talos.map((r) => r.version),
      minor,
    );
    const release = version === undefined ? undefined : talosReleaseOf(catalog, version);
    if (!release) {
      return refuse(
        `the version catalog has no Talos ${minor}.x release, and Talos upgrades go through every minor (${minorOf(from)} → ${minorOf(to)})`,
      );
    }
    path.push(release);
  }
  return { ok: true, path: [...path, target] };
}
