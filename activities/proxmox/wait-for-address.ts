import { Context } from '@temporalio/activity';
import { pollBackoff } from '../poll-backoff.ts';
import { ErrorType } from '../../api/errors.ts';
import type { MachineVmSpec, VmRef } from '../../api/proxmox.ts';
import { failure } from '../failure.ts';
import { classifyProxmoxError } from './classify-error.ts';
import { ownedVm } from './owned-vm.ts';
import { ProxmoxApiError } from './proxmox-api-error.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import { PveAgentInterfaces } from './pve-schemas.ts';

/** Errors that mean "the guest has not booted far enough yet", in PVE's words. */
const notYet = /QEMU guest agent is not running|is not running|got timeout/;

/**
 * Waits until the guest agent reports the machine's static address, heartbeating meanwhile.
 * The activity's start-to-close timeout bounds the wait (a guest that never answers, CAPMOX #291).
 */
export async function waitForVmAddress(client: ProxmoxClient, spec: MachineVmSpec, ref: VmRef, pollMs = 1_000): Promise<string> {
  const vm = await ownedVm(client, ref, spec);
  const path = `/nodes/${vm.node}/qemu/${vm.vmid}/agent/network-get-interfaces`;
  const nextPause = pollBackoff(pollMs);
  for (;;) {
    const reported = await reportedAddresses(client, path);
    if (reported.includes(spec.address.ip)) return spec.address.ip;
    Context.current().heartbeat({ vmid: vm.vmid, reported });
    await Context.current().sleep(nextPause());
  }
}

async function reportedAddresses(client: ProxmoxClient, path: string): Promise<string[]> {
  try {
    const { result } = await client.get(path, PveAgentInterfaces);
    return result
      .filter((nic) => nic.name !== 'lo')
      .flatMap((nic) => nic['ip-addresses'] ?? [])
      .filter((a) => a['ip-address-type'] === 'ipv4')
      .map((a) => a['ip-address']);
  } catch (error) {
    if (error instanceof ProxmoxApiError && notYet.test(error.reason)) return [];
    if (error instanceof ProxmoxApiError && error.reason.includes('No QEMU guest agent configured')) {
      throw failure(ErrorType.ProxmoxInvalidRequest, `${error.message}: enable the guest agent (agent=1) to read the address`);
    }
    throw classifyProxmoxError(error);
  }
}
