import { ErrorType } from '../../api/errors.ts';
import { MachineVmSpec, type DestroyResult, type MachineVmSpecInput, type VmRef } from '../../api/proxmox.ts';
import { failure } from '../failure.ts';
import { chooseNode } from './choose-node.ts';
import { CloneLimiter } from './clone-limiter.ts';
import { configureVm } from './configure-vm.ts';
import { destroyVm } from './destroy-vm.ts';
import { ensureVm, type EnsuredVm } from './ensure-vm.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import { startVm } from './start-vm.ts';
import { waitForVmAddress } from './wait-for-address.ts';

/** What the Proxmox activities are built from; tests pass a client of the simulator. */
export interface ProxmoxActivityDeps {
  readonly client: ProxmoxClient;
  /** Clones running at once per storage within this worker (default 2). */
  readonly clonesPerStorage?: number;
}

/** The Proxmox activities for one machine's VM, each idempotent and safe to run concurrently. */
export function createProxmoxActivities(deps: ProxmoxActivityDeps) {
  const { client } = deps;
  const limiter = new CloneLimiter(deps.clonesPerStorage ?? 2);
  return {
    /** Picks an allowed node with enough free memory. */
    proxmoxChooseNode: (spec: MachineVmSpecInput): Promise<string> => chooseNode(client, parse(spec)),
    /** Finds or clones the machine's VM, tagged for its cluster; returns where it is and its providerID (`proxmox://<smbios uuid>`). */
    proxmoxEnsureVm: (spec: MachineVmSpecInput, node: string): Promise<EnsuredVm> => ensureVm(client, limiter, parse(spec), node),
    /** Sets cores, memory, network, static address, tags and disk size. */
    proxmoxConfigureVm: (spec: MachineVmSpecInput, ref: VmRef): Promise<VmRef> => configureVm(client, parse(spec), ref),
    /** Powers the VM on. */
    proxmoxStartVm: (spec: MachineVmSpecInput, ref: VmRef): Promise<VmRef> => startVm(client, parse(spec), ref),
    /** Waits until the guest reports its static address. */
    proxmoxWaitForAddress: (spec: MachineVmSpecInput, ref: VmRef): Promise<string> => waitForVmAddress(client, parse(spec), ref),
    /** Stops and destroys the VM if it is still the machine's. */
    proxmoxDestroyVm: (spec: MachineVmSpecInput, ref: VmRef | undefined): Promise<DestroyResult> => destroyVm(client, parse(spec), ref),
  };
}

// Workflows pass plain JSON; a spec that does not parse is a bug no retry fixes.
function parse(spec: MachineVmSpecInput): MachineVmSpec {
  const parsed = MachineVmSpec.safeParse(spec);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(spec)'}: ${issue.message}`);
  throw failure(ErrorType.ProxmoxInvalidRequest, `invalid machine VM spec: ${problems.join('; ')}`);
}
