import { PveTaskStatus } from './pve-schemas.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import { nodeOfUpid } from './upid.ts';

/**
 * Whether a Proxmox task stopped (any outcome) within `withinMs`, polled every `pollMs`. Unlike
 * waitForTask it needs no activity: it runs after one ended, to learn when a clone that outlived
 * its activity let go of its storage. Failed polls count as "still running".
 */
export async function taskStops(client: ProxmoxClient, upid: string, withinMs: number, pollMs = 2_000): Promise<boolean> {
  const path = `/nodes/${nodeOfUpid(upid)}/tasks/${encodeURIComponent(upid)}/status`;
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const status = await client.get(path, PveTaskStatus).catch(() => undefined);
    if (status?.status === 'stopped') return true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))).unref());
  }
  return false;
}
