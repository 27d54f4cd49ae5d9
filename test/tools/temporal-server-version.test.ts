import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectDir, readEnvFile, temporalServerDir, toolVersions } from '../../tools/tool-paths.ts';

describe('the Temporal server release', () => {
  const compose = readEnvFile(join(projectDir, 'temporal-docker', '.env'));

  it('is the one temporal-docker/ runs, so the tests exercise what users deploy', () => {
    expect(toolVersions['TEMPORAL_SERVER_VERSION']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(toolVersions['TEMPORAL_SERVER_VERSION']).toBe(compose['TEMPORAL_VERSION']);
    expect(compose['TEMPORAL_ADMINTOOLS_VERSION']).toBe(compose['TEMPORAL_VERSION']);
  });

  it('is built into a cache folder named by that version, so a bump builds the new one', () => {
    const saved = process.env['TEMPORAL_SERVER_DIR'];
    delete process.env['TEMPORAL_SERVER_DIR'];
    try {
      expect(temporalServerDir().path).toMatch(new RegExp(`/temporal-server/v${toolVersions['TEMPORAL_SERVER_VERSION']}$`));
    } finally {
      if (saved !== undefined) process.env['TEMPORAL_SERVER_DIR'] = saved;
    }
  });
});
