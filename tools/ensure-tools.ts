import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildPveGoClient } from './pve-go-client.ts';
import {
  chromiumBinary,
  kubeAssets,
  postgresqlBinDir,
  projectDir,
  seaweedfsDir,
  promtoolDir,
  temporalCli,
  temporalServerDir,
  temporalTestServer,
  type ToolLocation,
} from './tool-paths.ts';

/** Installs (or finds in the per-user cache) every tool not overridden by an environment variable. */
export function ensureTools(): void {
  const needsTemporal = [temporalCli(), temporalTestServer()].some((tool) => missingDefault(tool));
  if (needsTemporal) run('install-temporal.sh');
  const kube = kubeAssets();
  if (['kube-apiserver', 'etcd', 'etcdutl', 'kubectl'].some((binary) => missingDefault(kube, binary))) run('build-kube.sh');
}

/**
 * Also builds what only the tests use: the third-party Go client the Proxmox simulator is judged
 * by, the production-like Temporal (the server built from source, on PostgreSQL), and the
 * S3-compatible store the etcd snapshot tests write to, promtool for the alert rules, and the
 * Chromium the Web UI browser test drives.
 */
export function ensureTestTools(): void {
  ensureTools();
  if (['temporal-server', 'temporal-sql-tool'].some((binary) => missingDefault(temporalServerDir(), binary)))
    run('build-temporal-server.sh');
  if (['initdb', 'postgres', 'pg_isready'].some((binary) => missingDefault(postgresqlBinDir(), binary))) run('install-postgresql.sh');
  if (missingDefault(seaweedfsDir(), 'weed')) run('build-seaweedfs.sh');
  if (missingDefault(promtoolDir(), 'promtool')) run('build-promtool.sh');
  if (missingDefault(chromiumBinary())) run('install-chromium.sh');
  try {
    buildPveGoClient();
  } catch (error) {
    console.error(`[capstan tools] error: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

// An overridden tool is the user's business: requireTool reports it if it is wrong.
function missingDefault(location: ToolLocation, file = ''): boolean {
  return !location.overriddenBy && !existsSync(join(location.path, file));
}

function run(script: string): void {
  execFileSync('bash', [join(projectDir, 'tools', script)], { stdio: ['ignore', 'ignore', 'inherit'] });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureTestTools();
  } catch {
    // The script already printed which prerequisite is missing.
    process.exit(1);
  }
}
