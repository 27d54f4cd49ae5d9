// Versions from image references: the installer image tag is the Talos version, the kubelet
// image tag the Kubernetes version.

/** The tag of an image reference (`ghcr.io/siderolabs/installer:v1.11.2` → `v1.11.2`), ignoring a digest. */
export function imageTag(image: string | undefined): string | undefined {
  if (image === undefined) return undefined;
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
}

/** `vX.Y.Z` from a tag when it is a version (a leading `v` is added when missing). */
export function versionOfImage(image: string | undefined): string | undefined {
  const tag = imageTag(image);
  const match = tag === undefined ? null : /^v?(\d+\.\d+\.\d+(?:[-+][\w.-]+)?)$/.exec(tag);
  return match?.[1] === undefined ? undefined : `v${match[1]}`;
}

/** Compares `vX.Y[.Z]` versions by minor: whether `version` is at least `major.minor`. */
export function atLeast(version: string, major: number, minor: number): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(version);
  if (!match) return true;
  const [vMajor, vMinor] = [Number(match[1]), Number(match[2])];
  return vMajor > major || (vMajor === major && vMinor >= minor);
}
