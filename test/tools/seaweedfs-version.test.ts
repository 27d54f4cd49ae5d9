import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { requireTool, seaweedfsDir, toolVersions } from '../../tools/tool-paths.ts';

describe('the SeaweedFS release', () => {
  it('is built into a cache folder named by its pinned version, so a bump builds the new one', () => {
    const saved = process.env['SEAWEEDFS_DIR'];
    delete process.env['SEAWEEDFS_DIR'];
    try {
      expect(toolVersions['SEAWEEDFS_VERSION']).toMatch(/^v\d+\.\d+\.\d+(-[\w.-]+)?$/);
      expect(seaweedfsDir().path).toMatch(new RegExp(`/seaweedfs/${toolVersions['SEAWEEDFS_VERSION']}$`));
    } finally {
      if (saved !== undefined) process.env['SEAWEEDFS_DIR'] = saved;
    }
  });

  it('is the release versions.env names, as the binary the tests run reports it', () => {
    const reported = execFileSync(requireTool(seaweedfsDir(), 'weed'), ['version'], { encoding: 'utf8' });
    expect(reported).toContain(` ${toolVersions['SEAWEEDFS_RELEASE']} `);
  });
});
