// The config `digest`: SHA1 of the config file. Clients send it back for optimistic
// concurrency (`checksum mismatch (file change by other user?)`).
import { createHash } from 'node:crypto';
import type { VmState } from '../core/state.ts';

/** The config file text as the simulator writes it (description first, like PVE). */
export function configFileText(vm: VmState): string {
  const lines = (entries: Record<string, string>): string[] =>
    Object.keys(entries)
      .sort()
      .map((key) => `${key}: ${entries[key] ?? ''}`);
  const pending = Object.keys(vm.pending).length > 0 || vm.pendingDelete.length > 0;
  return [
    ...lines(vm.config),
    ...(pending
      ? ['', '[PENDING]', ...lines(vm.pending), ...(vm.pendingDelete.length > 0 ? [`delete: ${vm.pendingDelete.join(',')}`] : [])]
      : []),
    '',
  ].join('\n');
}

/** SHA1 hex digest of the config file. */
export function configDigest(vm: VmState): string {
  return createHash('sha1').update(configFileText(vm)).digest('hex');
}
