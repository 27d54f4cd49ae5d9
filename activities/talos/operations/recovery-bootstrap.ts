import { status } from '@grpc/grpc-js';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../../api/errors.ts';
import { failure } from '../../failure.ts';
import { pollBackoff } from '../../poll-backoff.ts';
import { classifiedTalos, classifyTalosError } from '../machine-api/classify-talos-error.ts';
import { singleNode } from '../machine-api/node-replies.ts';
import { hasCode } from '../machine-api/talos-call-error.ts';
import { readEtcdService, type EtcdServiceState } from './etcd-service-state.ts';
import {
  activityCallOptions,
  clusterCredentials,
  heartbeat,
  pause,
  withClient,
  type TalosActivityDeps,
  type TalosNodeRef,
} from './talos-session.ts';
import { untilReady } from './until-ready.ts';

/** Bootstrap etcd from the snapshot uploaded to this control plane. */
export interface RecoveryBootstrapInput extends TalosNodeRef {
  /** For a bare db copied from a data directory, which has no sha256 trailer (default false). */
  readonly skipHashCheck?: boolean;
}

/** Whether this call started the recovery, or found it done (a retry after a lost reply). */
export interface RecoveryBootstrapResult {
  readonly outcome: 'recovered' | 'already-recovered';
  readonly node: string;
}

/**
 * Bootstrap{recover_etcd} on the one node the snapshot was uploaded to; the other control
 * planes, their data wiped, join it by themselves. Talos answers at once and restores in the
 * etcd service's pre stage, so this waits (heartbeating) until the node's etcd runs healthy.
 * An etcd service that fails fails the activity for good with Talos' message (a hash mismatch,
 * no upload): bootstrapping again would only fail again. A retry after the recovery went
 * through gets AlreadyExists (the data directory is no longer empty) and waits the same way.
 * Only bootstrap a node whose data was wiped: on a node that still has data Talos also answers
 * AlreadyExists, and this would report a recovery that never happened.
 */
export async function bootstrapEtcdRecovery(deps: TalosActivityDeps, input: RecoveryBootstrapInput): Promise<RecoveryBootstrapResult> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const target = input.address;
  // A Failed etcd from an earlier attempt must not be taken for this attempt's failure.
  const before = await readEtcdService(target, credentials).catch(() => undefined);
  let outcome: RecoveryBootstrapResult['outcome'] = 'recovered';
  try {
    await untilReady(
      `${target} to accept the recovery bootstrap`,
      () =>
        withClient(target, credentials, async (client) =>
          singleNode(
            'machine.MachineService/Bootstrap',
            await client.bootstrapRecovery(input.skipHashCheck ?? false, undefined, activityCallOptions()),
          ),
        ),
      (error) => hasCode(error, status.FAILED_PRECONDITION) && /not available yet/i.test((error as Error).message),
      deps.pollMs ?? 2_000,
    );
  } catch (error) {
    if (!hasCode(error, status.ALREADY_EXISTS))
      throw classifyTalosError(error, `bootstrapping etcd on ${target} from its uploaded snapshot`);
    outcome = 'already-recovered';
  }
  const pollMs = deps.pollMs ?? 2_000;
  const nextPause = pollBackoff(pollMs);
  const bootstrappedAt = Date.now();
  // Talos restarts the etcd service at once; a Failed state exactly as before the call is the old
  // failure until etcd was seen in another state, or for a few polls (a node whose clock or event
  // history does not tell the two apart still fails, rather than wait forever).
  let fresh = before?.state !== 'Failed';
  for (let attempt = 1; ; attempt++) {
    // Passing trouble (a restart of apid) is waited out; a refusal no wait fixes is not.
    const etcd = await classifiedTalos(`reading the etcd service of ${target}`, () => readEtcdService(target, credentials)).catch(
      (error: unknown) => {
        if (error instanceof ApplicationFailure && error.nonRetryable) throw error;
        return error as Error;
      },
    );
    if (!(etcd instanceof Error)) {
      if (etcd.state === 'Running' && etcd.healthy) return { outcome, node: target };
      if (etcd.state !== 'Failed') fresh = true;
      else if (fresh || !sameEvent(etcd, before) || Date.now() - bootstrappedAt > staleFailurePolls * pollMs) {
        throw failure(
          ErrorType.EtcdRecoveryFailed,
          `etcd on ${target} did not recover from the uploaded snapshot: ${etcd.message}. ` +
            'Upload a snapshot again (or pick another one) and bootstrap again',
        );
      }
    }
    heartbeat({ address: target, waitingFor: 'etcd to run restored', attempt, seen: etcd instanceof Error ? etcd.message : etcd });
    await pause(nextPause());
  }
}

const staleFailurePolls = 5;

const sameEvent = (now: EtcdServiceState, before: EtcdServiceState | undefined): boolean =>
  before !== undefined && before.state === now.state && before.since === now.since && before.message === now.message;
