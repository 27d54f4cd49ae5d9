// Where the workflow code of each Capstan release is kept, so a test can start an operation on a
// release's code and finish it on today's (test/workflows/previous-release.test.ts), and replay
// the histories recorded at that release (test/replay/replay.test.ts).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectDir } from './tool-paths.ts';

/** test/replay/releases/<version>/: workflow-bundle.js and, if recorded, histories/. */
export const releasesDir = join(projectDir, 'test', 'replay', 'releases');

const releaseVersionPattern = /^(\d+)\.(\d+)\.(\d+)$/;

/**
 * The version a release is recorded under: package.json's, which must name a release (X.Y.Z).
 * A development version (0.2.0-dev) is refused: its code is not what any user runs.
 */
export function releaseVersion(packageVersion: string): string {
  if (releaseVersionPattern.test(packageVersion)) return packageVersion;
  throw new Error(
    `package.json version '${packageVersion}' is not a release (X.Y.Z): record the workflow code from the commit that sets the released version, then move package.json on to the next -dev version`,
  );
}

/** The recorded releases, newest first; a folder whose name is no X.Y.Z version is an error. */
export function recordedReleases(dir: string = releasesDir): string[] {
  if (!existsSync(dir)) return [];
  const versions = readdirSync(dir).map((name) => {
    const parts = releaseVersionPattern.exec(name);
    if (!parts) throw new Error(`${join(dir, name)} is not named after a release (X.Y.Z): move it out of ${dir}`);
    return { name, key: parts.slice(1).map(Number) };
  });
  const newerFirst = (a: number[], b: number[]): number => b[0]! - a[0]! || b[1]! - a[1]! || b[2]! - a[2]!;
  return versions.sort((a, b) => newerFirst(a.key, b.key)).map((v) => v.name);
}

/** The bundle of one recorded release. */
export const releaseBundlePath = (version: string, dir: string = releasesDir): string => join(dir, version, 'workflow-bundle.js');

/** The histories recorded at one release (absent when none were). */
export const releaseHistoriesDir = (version: string, dir: string = releasesDir): string => join(dir, version, 'histories');
