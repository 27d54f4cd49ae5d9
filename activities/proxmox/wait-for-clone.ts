import { Context } from '@temporalio/activity';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';
import { pollBackoff } from '../poll-backoff.ts';
import { classified } from './classify-error.ts';
import { readConfig, type LocatedVm } from './locate-vm.ts';
import type { ProxmoxClient } from './proxmox-client.ts';

/**
 * Waits, heartbeating, until the clone of the machine's VM is over: PVE writes the full config
 * (name, owner marker) while the disks are still copied, under `lock: clone`. A retry whose
 * earlier attempt started the clone waits here instead of failing on the lock until it runs out
 * of attempts. Returns the VM with its config once unlocked.
 */
export async function waitWhileCloning(client: ProxmoxClient, vm: LocatedVm, pollMs = 500): Promise<LocatedVm> {
  const nextPause = pollBackoff(pollMs);
  let config = vm.config;
  while (config.lock === 'clone') {
    Context.current().heartbeat({ waitingForCloneOf: vm.vmid });
    await Context.current().sleep(nextPause());
    const now = await classified(() => readConfig(client, vm));
    // The clone failed and PVE removed the half-made VM: the next attempt clones again.
    if (!now) throw failure(ErrorType.ProxmoxLocked, `VM ${vm.vmid} went away while it was being cloned`);
    config = now;
  }
  return { ...vm, config };
}
