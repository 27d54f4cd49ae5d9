import { ErrorType } from '../../../api/errors.ts';
import { failure } from '../../failure.ts';
import { classifiedTalos } from '../machine-api/classify-talos-error.ts';
import type { TalosCredentials } from '../machine-api/credentials.ts';
import type { ContainerdInstance } from '../machine-api/messages.ts';
import { singleNode } from '../machine-api/node-replies.ts';
import {
  activityCallOptions,
  clusterCredentials,
  heartbeat,
  withClient,
  type TalosActivityDeps,
  type TalosNodeRef,
} from './talos-session.ts';
import { readVersion } from './wait-for-apid.ts';

/** Upgrade Talos on one node to an installer image. */
export interface UpgradeNodeInput extends TalosNodeRef {
  /** Installer image, e.g. `ghcr.io/siderolabs/installer:v1.12.4` or an Image Factory URL. */
  readonly image: string;
  /**
   * `legacy` (default): MachineService.Upgrade, which guards etcd quorum itself and reboots.
   * `lifecycle` (Talos >= 1.13): ImageService.Pull + LifecycleService.Upgrade, no quorum guard
   * and no reboot: the workflow must protect etcd and call Reboot afterwards.
   */
  readonly api?: 'legacy' | 'lifecycle';
  /** Legacy only: install now, boot into it on the next reboot. */
  readonly stage?: boolean;
  /** Legacy only: skip the etcd health checks. */
  readonly force?: boolean;
}

/** What the node acknowledged; `rebootRequired` when the caller must reboot it. */
export interface UpgradeNodeResult {
  readonly api: 'legacy' | 'lifecycle';
  readonly ack: string;
  readonly actorId: string;
  readonly rebootRequired: boolean;
}

// talosctl's default: the installer runs from the system containerd namespace.
const systemContainerd: ContainerdInstance = { driver: 'CRI', namespace: 'NS_SYSTEM' };

/** How often a call that waits on the node says it is still alive (the activity's heartbeat timeout is a minute). */
const heartbeatEveryMs = 10_000;

/** The version an installer image installs: its tag (`…/installer:v1.12.4` or an Image Factory URL). */
export function installerTag(image: string): string | undefined {
  const tag = image.slice(image.lastIndexOf(':') + 1);
  return image.includes(':') && /^v\d+\.\d+\.\d+/.test(tag) ? tag : undefined;
}

/**
 * Starts the upgrade; the node reboots (legacy) or waits for a reboot (lifecycle). A node that
 * already runs the image's version is left alone: a retry after a lost reply (the node took the
 * upgrade and rebooted before answering) must not upgrade it a second time.
 */
export async function upgradeNode(deps: TalosActivityDeps, input: UpgradeNodeInput): Promise<UpgradeNodeResult> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const target = installerTag(input.image);
  if (target !== undefined && input.stage !== true) {
    const running = await classifiedTalos(`reading the Talos version of ${input.address}`, () => readVersion(input.address, credentials));
    if (running.tag === target) {
      return { api: input.api ?? 'legacy', ack: `already running ${target}`, actorId: '', rebootRequired: false };
    }
  }
  if (input.api === 'lifecycle') return lifecycleUpgrade(input, credentials);
  const reply = await classifiedTalos(`upgrading ${input.address} to ${input.image}`, () =>
    withClient(input.address, credentials, async (client) => {
      const request = { image: input.image, stage: input.stage ?? false, force: input.force ?? false, preserve: false };
      // The installer image is pulled and checked before the reply: give it time, and say so.
      const alive = setInterval(() => {
        heartbeat({ address: input.address, step: 'upgrade', image: input.image });
      }, heartbeatEveryMs);
      try {
        return singleNode('machine.MachineService/Upgrade', await client.upgrade(request, undefined, activityCallOptions(10 * 60_000)));
      } finally {
        clearInterval(alive);
      }
    }),
  );
  return { api: 'legacy', ack: reply.ack, actorId: reply.actorId, rebootRequired: input.stage ?? false };
}

async function lifecycleUpgrade(input: UpgradeNodeInput, credentials: TalosCredentials): Promise<UpgradeNodeResult> {
  const output: string[] = [];
  const exitCode = await classifiedTalos(`upgrading ${input.address} to ${input.image}`, () =>
    withClient(input.address, credentials, async (client) => {
      for await (const message of client.imagePull(input.image, systemContainerd, undefined, activityCallOptions(30 * 60_000))) {
        heartbeat({ address: input.address, step: 'pull', done: message.response === 'name' });
      }
      for await (const message of client.lifecycleUpgrade(input.image, systemContainerd, undefined, activityCallOptions(30 * 60_000))) {
        const progress = message.progress;
        if (progress?.response === 'exitCode') return progress.exitCode ?? 0;
        if (progress?.message) output.push(progress.message);
        heartbeat({ address: input.address, step: 'install', line: progress?.message ?? '' });
      }
      return undefined;
    }),
  );
  if (exitCode === undefined) throw failure(ErrorType.TalosUnavailable, `${input.address}: installer stream ended without an exit code`);
  if (exitCode !== 0) {
    throw failure(
      ErrorType.TalosUpgradeFailed,
      `${input.address}: installer for ${input.image} exited with ${exitCode}: ${output.slice(-5).join(' | ')}`,
    );
  }
  return { api: 'lifecycle', ack: 'installed', actorId: '', rebootRequired: true };
}
