import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, found from this file so scripts work from any working directory. */
export const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The `NAME=value` lines of a shell or docker compose env file; comments and blank lines skipped. */
export function readEnvFile(path: string): Readonly<Record<string, string>> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)];
      }),
  );
}

/** Pinned tool versions, read from tools/versions.env so shell and TypeScript agree. */
export const toolVersions = readEnvFile(join(projectDir, 'tools', 'versions.env'));

/** Per-user cache shared by every clone, keyed by version inside. */
export const capstanCacheDir = process.env['CAPSTAN_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'capstan');

/** Where one external tool comes from: an environment override or the project's own install. */
export interface ToolLocation {
  readonly path: string;
  readonly overriddenBy?: string;
}

function locate(envVar: string, defaultPath: string): ToolLocation {
  const override = process.env[envVar];
  return override ? { path: override, overriddenBy: envVar } : { path: defaultPath };
}

/** Project-local installs (the venv, links to cached builds); CAPSTAN_TOOLS moves them. */
export const toolsDir = process.env['CAPSTAN_TOOLS'] ?? join(projectDir, '.tools');

const venvBin = join(toolsDir, 'venv', 'bin');

/** The Temporal CLI (`temporal server start-dev`), overridable with TEMPORAL_CLI. */
export const temporalCli = (): ToolLocation => locate('TEMPORAL_CLI', join(venvBin, 'temporal'));

/** The time-skipping test server, overridable with TEMPORAL_TEST_SERVER. */
export const temporalTestServer = (): ToolLocation => locate('TEMPORAL_TEST_SERVER', join(venvBin, 'temporal-test-server'));

/** The folder with kube-apiserver, etcd, etcdutl and kubectl, overridable with KUBEBUILDER_ASSETS (envtest's convention). */
export const kubeAssets = (): ToolLocation => locate('KUBEBUILDER_ASSETS', join(toolsDir, 'kube'));

/**
 * The folder with temporal-server, temporal-sql-tool and the server's schema/postgresql/v12
 * folder, overridable with TEMPORAL_SERVER_DIR. The cache folder itself, keyed by version, so a
 * version bump finds nothing there and builds the new release.
 */
export const temporalServerDir = (): ToolLocation =>
  locate('TEMPORAL_SERVER_DIR', join(capstanCacheDir, 'temporal-server', `v${toolVersions['TEMPORAL_SERVER_VERSION']}`));

/**
 * The folder with SeaweedFS's `weed` binary (the S3-compatible store the snapshot tests use),
 * overridable with SEAWEEDFS_DIR. The cache folder itself, keyed by version, like the Temporal server.
 */
export const seaweedfsDir = (): ToolLocation =>
  locate('SEAWEEDFS_DIR', join(capstanCacheDir, 'seaweedfs', toolVersions['SEAWEEDFS_VERSION'] ?? 'unpinned'));

/** The folder with Prometheus' promtool (it checks the alert rules), overridable with PROMTOOL_DIR; cached by version. */
export const promtoolDir = (): ToolLocation =>
  locate('PROMTOOL_DIR', join(capstanCacheDir, 'promtool', toolVersions['PROMETHEUS_VERSION'] ?? 'unpinned'));

/**
 * The folder with PostgreSQL's initdb, postgres and pg_isready, overridable with POSTGRESQL_BIN_DIR:
 * by default the newest major version Debian's packages installed (/usr/lib/postgresql/<major>/bin).
 */
export const postgresqlBinDir = (): ToolLocation => locate('POSTGRESQL_BIN_DIR', newestDebianPostgresql());

/**
 * Headless Chromium for the Web UI browser test, overridable with CHROMIUM_PATH: by default
 * Debian's package (tools/install-chromium.sh installs it).
 */
export const chromiumBinary = (): ToolLocation =>
  locate('CHROMIUM_PATH', ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path)) ?? '/usr/bin/chromium');

const debianPostgresql = '/usr/lib/postgresql';

function newestDebianPostgresql(): string {
  let majors: string[] = [];
  try {
    majors = readdirSync(debianPostgresql).filter(
      (name) => /^\d+$/.test(name) && existsSync(join(debianPostgresql, name, 'bin', 'initdb')),
    );
  } catch {
    // Not installed: the path below does not exist, and requireTool says how to get it.
  }
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0] ?? 'not-installed';
  return join(debianPostgresql, newest, 'bin');
}

/** Returns the path of an installed tool, or throws an error that says how to get it. */
export function requireTool(location: ToolLocation, file = ''): string {
  const path = file ? join(location.path, file) : location.path;
  if (existsSync(path)) return path;
  const fix = location.overriddenBy
    ? `${location.overriddenBy}=${location.path} is set; point it at an existing ${file || 'binary'} or unset it`
    : "run 'npm run tools' to install it";
  throw new Error(`${file || location.path} not found at ${path}: ${fix}`);
}
