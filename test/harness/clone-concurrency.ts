import type { SimEvent } from '../../sim/proxmox/index.ts';

/**
 * The most clones that ran at once on each storage, read from the Proxmox simulator's task
 * events (a qmclone's `task.started` names the storages it writes to).
 */
export function peakClonesPerStorage(events: readonly SimEvent[]): Record<string, number> {
  const storagesOf = new Map<string, readonly string[]>();
  const running: Record<string, number> = {};
  const peak: Record<string, number> = {};
  for (const event of events) {
    if (event.taskType !== 'qmclone' || event.upid === undefined) continue;
    if (event.type === 'task.started') {
      const storages = event.detail?.['storages'];
      const list = Array.isArray(storages) ? storages.map(String) : [];
      storagesOf.set(event.upid, list);
      for (const storage of list) {
        running[storage] = (running[storage] ?? 0) + 1;
        peak[storage] = Math.max(peak[storage] ?? 0, running[storage]);
      }
    } else if (event.type === 'task.finished') {
      for (const storage of storagesOf.get(event.upid) ?? []) running[storage] = (running[storage] ?? 1) - 1;
    }
  }
  return peak;
}
