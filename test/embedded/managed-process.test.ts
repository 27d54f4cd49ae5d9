import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processesWithEnv } from '../../tools/orphans.ts';
import { projectDir } from '../../tools/tool-paths.ts';
import { startProcess, waitUntilReady } from '../../embedded/servers/managed-process.ts';

const markerName = 'CAPSTAN_OWNER_MARKER';

describe('managed processes', () => {
  it('stop() ends the process and everything it forked', async () => {
    const marker = randomUUID();
    const parent = startProcess({
      name: 'forker',
      command: 'sh',
      args: ['-c', 'sleep 300 & sleep 300 & sleep 300 & wait'],
      env: { [markerName]: marker },
    });
    // Four: the shell and its three sleeps, each exec'd (a child caught between fork and exec
    // would still read as `sh`).
    await waitUntilReady(
      parent,
      'three children',
      () => processesWithEnv(markerName, marker).filter((p) => p.command.startsWith('sleep')).length === 3,
    );
    await parent.stop();
    expect(processesWithEnv(markerName, marker)).toEqual([]);
  });

  it('a server dies with an owner that crashes before its teardown runs', () => {
    const marker = randomUUID();
    const owner = spawnSync(
      `${projectDir}/node_modules/.bin/tsx`,
      [fileURLToPath(new URL('../fixtures/crashing-owner.ts', import.meta.url)), marker],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(owner.stderr).toContain('owner crashed');
    expect(owner.stdout).toMatch(/started \d+/);
    expect(processesWithEnv(markerName, marker)).toEqual([]);
  });

  it('reports the last output of a server that exits before it is ready', async () => {
    const failing = startProcess({ name: 'doomed', command: 'sh', args: ['-c', 'echo "bind: address already in use" >&2; exit 3'] });
    await expect(waitUntilReady(failing, 'never', () => false)).rejects.toThrow(
      /doomed exited \(code 3\) before never:\nbind: address already in use/,
    );
  });
});
