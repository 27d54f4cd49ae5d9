import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../../api/errors.ts';
import { failure } from '../../failure.ts';
import { pollBackoff } from '../../poll-backoff.ts';
import { classifiedTalos } from '../machine-api/classify-talos-error.ts';
import { readEtcdService, type EtcdServiceState } from './etcd-service-state.ts';
import { resetNode } from './power-operations.ts';
import { clusterCredentials, heartbeat, pause, type TalosActivityDeps, type TalosNodeRef } from './talos-session.ts';

/** Whether this call wiped the node's etcd data, or found it gone already. */
export interface WipeEtcdDataResult {
  readonly outcome: 'wiped' | 'already-empty';
}

/**
 * The first step of a restore on every control plane: etcd's data must be gone, or the node's
 * etcd would start again as a member of the lost cluster beside the restored one. A node whose
 * etcd waits in its pre stage (`Preparing`: an empty data directory waiting to join or be
 * bootstrapped) needs nothing; any other gets Reset of its EPHEMERAL partition (not graceful:
 * there is no quorum to leave; etcd's data and any earlier upload live there, the machine config
 * does not) and is waited for until its etcd waits empty. A retry finds it so and stops.
 */
export async function wipeEtcdData(deps: TalosActivityDeps, input: TalosNodeRef): Promise<WipeEtcdDataResult> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const read = () => classifiedTalos(`reading the etcd service of ${input.address}`, () => readEtcdService(input.address, credentials));
  const before = await read();
  if (before.state === 'absent') throw notAControlPlane(input.address);
  if (waitsEmpty(before)) return { outcome: 'already-empty' };
  await resetNode(deps, { ...input, graceful: false, reboot: true, systemPartitions: ['EPHEMERAL'] });
  const nextPause = pollBackoff(deps.pollMs ?? 2_000);
  for (let attempt = 1; ; attempt++) {
    let seen: string;
    try {
      const now = await read();
      if (waitsEmpty(now)) return { outcome: 'wiped' };
      seen = `etcd ${now.state}: ${now.message}`;
    } catch (error) {
      if (error instanceof ApplicationFailure && error.nonRetryable) throw error;
      // The node reboots after the wipe: unreachable for a while.
      seen = (error as Error).message;
    }
    heartbeat({ address: input.address, waitingFor: 'etcd to wait with an empty data directory', attempt, seen });
    await pause(nextPause());
  }
}

const waitsEmpty = (etcd: EtcdServiceState): boolean => etcd.state === 'Preparing';

const notAControlPlane = (address: string): ApplicationFailure =>
  failure(ErrorType.TalosUnsupported, `${address} runs no etcd service: it is not a control plane, so it holds no etcd data to wipe`);
