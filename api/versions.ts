import { z } from 'zod';

/** A Kubernetes or Talos version as users write it: `v1.33.4` (the `v` is required, as in CAPI). */
export const Version = z.string().regex(/^v\d+\.\d+\.\d+$/, 'must look like v1.33.4');
export type Version = z.infer<typeof Version>;

/** A Talos minor and the Kubernetes minors it supports (Talos 1.12: 1.30–1.35). */
export const TalosRelease = z.object({
  version: Version,
  kubernetesMin: z.string().regex(/^v\d+\.\d+$/, 'must look like v1.30'),
  kubernetesMax: z.string().regex(/^v\d+\.\d+$/, 'must look like v1.35'),
});
export type TalosRelease = z.infer<typeof TalosRelease>;

/** The versions Capstan may step through; chained upgrades use the latest patch of each minor. */
export const VersionCatalog = z.object({
  kubernetes: z.array(Version).min(1),
  talos: z.array(TalosRelease).min(1),
});
export type VersionCatalog = z.infer<typeof VersionCatalog>;

/** A parsed version, for comparisons in pure planning code. */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Parses `v1.33.4` (or `v1.33`, patch 0); throws on anything else. */
export function parseVersion(version: string): SemVer {
  const match = /^v(\d+)\.(\d+)(?:\.(\d+))?$/.exec(version);
  if (!match) throw new Error(`"${version}" is not a version like v1.33.4`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/** Orders versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/** `v1.33` of `v1.33.4`. */
export function minorOf(version: string): string {
  const { major, minor } = parseVersion(version);
  return `v${major}.${minor}`;
}

/** Minors from `a` to `b` (`v1.33.4` → `v1.36.1` is 3, negative when `b` is older); throws across majors. */
export function minorsBetween(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (x.major !== y.major) throw new Error(`${a} and ${b} have different major versions`);
  return y.minor - x.minor;
}

/** `v1.34` plus `n` minors (`v1.34`, 2 → `v1.36`). */
export function addMinors(version: string, n: number): string {
  const { major, minor } = parseVersion(version);
  return `v${major}.${minor + n}`;
}

/** The newest of `versions` in `minor` (`v1.34` → `v1.34.2`), if any. */
export function latestPatch(versions: readonly string[], minor: string): string | undefined {
  return versions
    .filter((v) => minorOf(v) === minorOf(minor))
    .sort(compareVersions)
    .at(-1);
}
