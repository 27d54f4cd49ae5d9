import { readFileSync } from 'node:fs';
import type { ProxmoxConnection } from '../activities/proxmox/proxmox-client.ts';

/**
 * Reads PROXMOX_URL, PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET (or PROXMOX_TOKEN_SECRET_FILE,
 * e.g. a mounted Secret), PROXMOX_CA_FILE and PROXMOX_INSECURE_SKIP_TLS_VERIFY, naming whatever
 * is missing.
 */
export function proxmoxSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProxmoxConnection {
  const url = env['PROXMOX_URL'];
  const tokenId = env['PROXMOX_TOKEN_ID'];
  const secretFile = env['PROXMOX_TOKEN_SECRET_FILE'];
  const tokenSecret = env['PROXMOX_TOKEN_SECRET'] ?? (secretFile ? readFileSync(secretFile, 'utf8').trim() : undefined);
  const missing = [
    url ? undefined : 'PROXMOX_URL (e.g. https://pve.example.lan:8006/api2/json)',
    tokenId ? undefined : 'PROXMOX_TOKEN_ID (USER@REALM!TOKENID)',
    tokenSecret ? undefined : 'PROXMOX_TOKEN_SECRET or PROXMOX_TOKEN_SECRET_FILE',
  ].filter((m): m is string => m !== undefined);
  if (!url || !tokenId || !tokenSecret) throw new Error(`Proxmox settings missing: ${missing.join(', ')}`);
  const caFile = env['PROXMOX_CA_FILE'];
  return {
    baseUrl: url,
    tokenId,
    tokenSecret,
    ...(caFile ? { caPem: readFileSync(caFile, 'utf8') } : {}),
    ...(env['PROXMOX_INSECURE_SKIP_TLS_VERIFY'] === 'true' ? { insecureSkipTlsVerify: true } : {}),
  };
}
