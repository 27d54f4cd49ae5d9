// The third-party Proxmox VE client the simulator is judged by: a small Go program on
// github.com/luthermonson/go-proxmox (the library CAPMOX uses), built once from the Go module
// proxy into the per-user cache, keyed by the library's version and the program's source, so a
// fresh machine builds it and a changed program builds anew.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { capstanCacheDir, projectDir, type ToolLocation } from './tool-paths.ts';

/** The program's Go module (main.go, go.mod, go.sum). */
export const pveGoClientSource = join(projectDir, 'test', 'third-party', 'go-proxmox');
const sourceFiles = ['go.mod', 'go.sum', 'main.go'];

/** The go-proxmox version go.mod pins. */
export function goProxmoxVersion(): string {
  const goMod = readFileSync(join(pveGoClientSource, 'go.mod'), 'utf8');
  const version = /github\.com\/luthermonson\/go-proxmox (v\S+)/.exec(goMod)?.[1];
  if (version === undefined) throw new Error(`${pveGoClientSource}/go.mod does not require github.com/luthermonson/go-proxmox`);
  return version;
}

function sourceKey(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles) hash.update(readFileSync(join(pveGoClientSource, file)));
  return hash.digest('hex').slice(0, 12);
}

/** The built client, overridable with CAPSTAN_PVE_GO_CLIENT. */
export function pveGoClient(): ToolLocation {
  const override = process.env['CAPSTAN_PVE_GO_CLIENT'];
  if (override) return { path: override, overriddenBy: 'CAPSTAN_PVE_GO_CLIENT' };
  return { path: join(capstanCacheDir, 'pve-go-client', `go-proxmox-${goProxmoxVersion()}-${sourceKey()}`, 'pve-go-client') };
}

/** Builds the client where pveGoClient() expects it; the Go module cache is the one kube builds use. */
export function buildPveGoClient(): string {
  const { path, overriddenBy } = pveGoClient();
  if (overriddenBy !== undefined || existsSync(path)) return path;
  const go = process.env['GO'] ?? 'go';
  try {
    execFileSync(go, ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `'${go}' is required to build the go-proxmox test client but was not found. Install Go 1.25+ (https://go.dev/doc/install), or set CAPSTAN_PVE_GO_CLIENT to a prebuilt binary of ${pveGoClientSource}.`,
    );
  }
  console.error(`[capstan tools] building the go-proxmox ${goProxmoxVersion()} test client (first time only)`);
  mkdirSync(dirname(path), { recursive: true });
  // Built beside its final name and renamed, so a cut-short build leaves nothing half-made.
  execFileSync(go, ['build', '-trimpath', '-o', `${path}.tmp`, '.'], {
    cwd: pveGoClientSource,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      GOMODCACHE: join(capstanCacheDir, 'go', 'mod'),
      GOCACHE: join(capstanCacheDir, 'go', 'build'),
      GOFLAGS: '-mod=readonly',
      GOTOOLCHAIN: 'local',
      CGO_ENABLED: '0',
    },
  });
  renameSync(`${path}.tmp`, path);
  return path;
}
