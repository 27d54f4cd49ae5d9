import { ErrorType } from '../../api/errors.ts';
import { MachineVmSpec, type DestroyResult, type MachineVmSpecInput, type VmRef } from '../../api/proxmox.ts';
import { failure } from '../failure.ts';
import { chooseNode } from './choose-node.ts';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { CloneLimiter } from './clone-limiter.ts';
import type { CloneSlots } from './clone-slots.ts';
import { configureVm } from './configure-vm.ts';
import { destroyVm } from './destroy-vm.ts';
import { ensureVm, type EnsuredVm } from './ensure-vm.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import type { ProxmoxClients } from './proxmox-clients.ts';
import { defaultSharedCloneSlotSettings, sharedCloneSlots, type SharedCloneSlotSettings } from './shared-clone-slots.ts';
import { startVm } from './start-vm.ts';
import { waitForVmAddress } from './wait-for-address.ts';

/** What the Proxmox activities are built from; tests pass a client of the simulator. */
export interface ProxmoxActivityDeps {
  /** Each machine's VM is built on its cluster's Proxmox (the spec's credentials Secret). */
  readonly clients: ProxmoxClients;
  /** Clones running at once per storage, across all workers of the namespace (default 2). */
  readonly clonesPerStorage?: number;
  /** Lease and polling of the shared clone slots (tests shorten them). */
  readonly cloneSlots?: Partial<Omit<SharedCloneSlotSettings, 'limit'>>;
}

/** The Proxmox activities for one machine's VM, each idempotent and safe to run concurrently. */
export function createProxmoxActivities(deps: ProxmoxActivityDeps) {
  const limit = deps.clonesPerStorage ?? 2;
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`clone concurrency per storage must be a whole number of at least 1, not ${limit}`);
  const settings: SharedCloneSlotSettings = { ...defaultSharedCloneSlotSettings, ...deps.cloneSlots, limit };
  // Outside a worker (an activity called directly) there is no Temporal client: slots of this process only.
  const local = new CloneLimiter(limit);
  const slotsFor = (client: ProxmoxClient): CloneSlots => {
    const temporal = workerClient();
    return temporal ? sharedCloneSlots(temporal, client.endpoint, settings) : local;
  };
  // The spec, and the client of the Proxmox its cluster names.
  const target = async (input: MachineVmSpecInput): Promise<[ProxmoxClient, MachineVmSpec]> => {
    const spec = parse(input);
    return [await deps.clients.forCluster(spec.credentials), spec];
  };
  return {
    /** Picks an allowed node with enough free memory. */
    proxmoxChooseNode: async (spec: MachineVmSpecInput): Promise<string> => chooseNode(...(await target(spec))),
    /** Finds or clones the machine's VM, tagged for its cluster; returns where it is and its providerID (`proxmox://<smbios uuid>`). */
    /** `cloneFirst`: a control plane, cloned before the workers waiting for the same storage. */
    proxmoxEnsureVm: async (
      spec: MachineVmSpecInput,
      node: string,
      options: { readonly cloneFirst?: boolean } = {},
    ): Promise<EnsuredVm> => {
      const [client, parsed] = await target(spec);
      return ensureVm(client, slotsFor(client), parsed, node, options);
    },
    /** Sets cores, memory, network, static address, tags and disk size. */
    proxmoxConfigureVm: async (spec: MachineVmSpecInput, ref: VmRef): Promise<VmRef> => configureVm(...(await target(spec)), ref),
    /** Powers the VM on. */
    proxmoxStartVm: async (spec: MachineVmSpecInput, ref: VmRef): Promise<VmRef> => startVm(...(await target(spec)), ref),
    /** Waits until the guest reports its static address. */
    proxmoxWaitForAddress: async (spec: MachineVmSpecInput, ref: VmRef): Promise<string> => waitForVmAddress(...(await target(spec)), ref),
    /** Stops and destroys the VM if it is still the machine's. */
    proxmoxDestroyVm: async (spec: MachineVmSpecInput, ref: VmRef | undefined): Promise<DestroyResult> =>
      destroyVm(...(await target(spec)), ref),
  };
}

// The running worker's client; undefined outside an activity or in a MockActivityEnvironment without one.
function workerClient(): Client | undefined {
  try {
    return Context.current().client;
  } catch {
    return undefined;
  }
}

// Workflows pass plain JSON; a spec that does not parse is a bug no retry fixes.
function parse(spec: MachineVmSpecInput): MachineVmSpec {
  const parsed = MachineVmSpec.safeParse(spec);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(spec)'}: ${issue.message}`);
  throw failure(ErrorType.ProxmoxInvalidRequest, `invalid machine VM spec: ${problems.join('; ')}`);
}
