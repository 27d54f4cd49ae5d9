import { classifiedTalos } from '../machine-api/classify-talos-error.ts';
import type { RebootMode, WipeMode } from '../machine-api/messages.ts';
import { singleNode } from '../machine-api/node-replies.ts';
import { isInMaintenance } from './maintenance-probe.ts';
import { activityCallOptions, clusterCredentials, withClient, type TalosActivityDeps, type TalosNodeRef } from './talos-session.ts';

/** Reboot a node. */
export interface RebootNodeInput extends TalosNodeRef {
  readonly mode?: 'default' | 'powercycle';
}

/** Reset (wipe) a node. */
export interface ResetNodeInput extends TalosNodeRef {
  /** Leave etcd and cordon/drain first (default true); false for a node that is already broken. */
  readonly graceful?: boolean;
  /** Reboot after the wipe (default true) rather than halt. */
  readonly reboot?: boolean;
  /** Which disks: all (default), the system disk or user disks. */
  readonly wipe?: 'all' | 'system-disk' | 'user-disks';
  /** Only these system partitions (`STATE`, `EPHEMERAL`, ...); empty = the whole system disk. */
  readonly systemPartitions?: readonly string[];
}

/** Which action the node accepted; it runs after the reply. */
export interface ActorResult {
  readonly actorId: string;
}

const rebootModes: Record<NonNullable<RebootNodeInput['mode']>, RebootMode> = { default: 'DEFAULT', powercycle: 'POWERCYCLE' };
const wipeModes: Record<NonNullable<ResetNodeInput['wipe']>, WipeMode> = {
  all: 'ALL',
  'system-disk': 'SYSTEM_DISK',
  'user-disks': 'USER_DISKS',
};

/** Asks the node to reboot; the connection drops right after the reply. */
export async function rebootNode(deps: TalosActivityDeps, input: RebootNodeInput): Promise<ActorResult> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const reply = await classifiedTalos(`rebooting ${input.address}`, () =>
    withClient(input.address, credentials, async (client) =>
      singleNode(
        'machine.MachineService/Reboot',
        await client.reboot(rebootModes[input.mode ?? 'default'], undefined, activityCallOptions()),
      ),
    ),
  );
  return { actorId: reply.actorId };
}

/**
 * Asks the node to wipe itself. A node already in maintenance mode was reset before (a retry
 * after a lost reply): that is success with `alreadyReset`.
 */
export async function resetNode(deps: TalosActivityDeps, input: ResetNodeInput): Promise<ActorResult & { readonly alreadyReset: boolean }> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const request = {
    graceful: input.graceful ?? true,
    reboot: input.reboot ?? true,
    mode: wipeModes[input.wipe ?? 'all'],
    systemPartitionsToWipe: (input.systemPartitions ?? []).map((label) => ({ label, wipe: true })),
  };
  try {
    const reply = await classifiedTalos(`resetting ${input.address}`, () =>
      withClient(input.address, credentials, async (client) =>
        singleNode('machine.MachineService/Reset', await client.reset(request, undefined, activityCallOptions())),
      ),
    );
    return { actorId: reply.actorId, alreadyReset: false };
  } catch (error) {
    if (await isInMaintenance(input.address).catch(() => false)) return { actorId: '', alreadyReset: true };
    throw error;
  }
}
