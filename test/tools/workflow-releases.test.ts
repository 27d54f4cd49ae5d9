import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { recordedReleases, releaseVersion } from '../../tools/workflow-releases.ts';

const scratch = makeTempDir('workflow-releases');
afterAll(() => {
  scratch.remove();
});

describe('workflow releases', () => {
  it('records a release under its X.Y.Z version', () => {
    expect(releaseVersion('0.1.0')).toBe('0.1.0');
    expect(releaseVersion('12.0.3')).toBe('12.0.3');
  });

  it.each(['0.2.0-dev', '0.2', 'v0.2.0', ''])('refuses to record %j as a release, saying what to do', (version) => {
    expect(() => releaseVersion(version)).toThrow(
      `package.json version '${version}' is not a release (X.Y.Z): record the workflow code from the commit that sets the released version, then move package.json on to the next -dev version`,
    );
  });

  it('lists the recorded releases newest first, by number rather than by name', () => {
    const dir = join(scratch.path, 'sorted');
    for (const v of ['0.9.0', '0.10.0', '0.10.2', '1.0.0', '0.1.0']) mkdirSync(join(dir, v), { recursive: true });
    expect(recordedReleases(dir)).toEqual(['1.0.0', '0.10.2', '0.10.0', '0.9.0', '0.1.0']);
  });

  it('has no releases where the folder does not exist', () => {
    expect(recordedReleases(join(scratch.path, 'absent'))).toEqual([]);
  });

  it('names a folder that is no release rather than skipping it', () => {
    const dir = join(scratch.path, 'stray');
    mkdirSync(join(dir, '0.1.0'), { recursive: true });
    mkdirSync(join(dir, 'latest'), { recursive: true });
    expect(() => recordedReleases(dir)).toThrow(`${join(dir, 'latest')} is not named after a release (X.Y.Z): move it out of ${dir}`);
  });

  it('has release 0.1.0 recorded in the repository', () => {
    expect(recordedReleases()).toContain('0.1.0');
  });
});
