import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ProxmoxConnection } from '../activities/proxmox/proxmox-client.ts';

/**
 * Reads PROXMOX_URL, PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET (or PROXMOX_TOKEN_SECRET_FILE,
 * e.g. a mounted Secret), PROXMOX_CA_FILE and PROXMOX_INSECURE_SKIP_TLS_VERIFY, naming whatever
 * is missing or wrong. The server's certificate is verified unless the user explicitly asks not to.
 * None of them set: undefined, a worker that serves only clusters whose ProxmoxCluster names a
 * credentials Secret.
 */
export function proxmoxSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProxmoxConnection | undefined {
  const url = env['PROXMOX_URL'];
  const tokenId = env['PROXMOX_TOKEN_ID'];
  const secretFile = env['PROXMOX_TOKEN_SECRET_FILE'];
  if (!url && !tokenId && !secretFile && !env['PROXMOX_TOKEN_SECRET']) return undefined;
  const tokenSecret = env['PROXMOX_TOKEN_SECRET'] ?? (secretFile ? readFileSync(secretFile, 'utf8').trim() : undefined);
  const missing = [
    url ? undefined : 'PROXMOX_URL (e.g. https://pve.example.lan:8006/api2/json)',
    tokenId ? undefined : 'PROXMOX_TOKEN_ID (USER@REALM!TOKENID)',
    tokenSecret ? undefined : 'PROXMOX_TOKEN_SECRET or PROXMOX_TOKEN_SECRET_FILE',
  ].filter((m): m is string => m !== undefined);
  if (!url || !tokenId || !tokenSecret) throw new Error(`Proxmox settings missing: ${missing.join(', ')}`);
  // pveproxy answers plain HTTP only with a redirect; following it would first send the token in the clear.
  if (!/^https:\/\//i.test(url)) {
    throw new Error(`PROXMOX_URL=${url} must start with https:// (Proxmox VE serves its API only over HTTPS, on port 8006)`);
  }
  const caFile = env['PROXMOX_CA_FILE'];
  return {
    baseUrl: url,
    tokenId,
    tokenSecret,
    ...(caFile ? { caPem: readCaFile(caFile) } : {}),
    ...(insecureSkipTlsVerify(env['PROXMOX_INSECURE_SKIP_TLS_VERIFY']) ? { insecureSkipTlsVerify: true } : {}),
    tokenSource: "the worker's PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET",
  };
}

function readCaFile(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `PROXMOX_CA_FILE=${file} cannot be read (${error instanceof Error ? error.message : String(error)}); copy Proxmox's CA there (on a PVE node: /etc/pve/pve-root-ca.pem)`,
      { cause: error },
    );
  }
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new Error(
      `PROXMOX_CA_FILE=${file} holds no PEM certificate; it must be the CA that signed Proxmox's certificate (on a PVE node: /etc/pve/pve-root-ca.pem)`,
      { cause: error },
    );
  }
  return pem;
}

// Only an explicit yes turns verification off; anything unclear is refused rather than guessed.
function insecureSkipTlsVerify(raw: string | undefined): boolean {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === '' || value === 'false' || value === '0') return false;
  throw new Error(
    `PROXMOX_INSECURE_SKIP_TLS_VERIFY=${raw ?? ''} is neither true nor false; leave it unset to verify Proxmox's certificate`,
  );
}
