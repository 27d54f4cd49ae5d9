import { ErrorType } from '../../../api/errors.ts';
import { pollBackoff } from '../../poll-backoff.ts';
import { failure } from '../../failure.ts';
import { classifyTalosError } from '../machine-api/classify-talos-error.ts';
import type { TalosCredentials } from '../machine-api/credentials.ts';
import { singleNode } from '../machine-api/node-replies.ts';
import {
  activityCallOptions,
  clusterCredentials,
  heartbeat,
  pause,
  withClient,
  type TalosActivityDeps,
  type TalosNodeRef,
} from './talos-session.ts';

/** Wait for a node's apid to answer with the cluster's credentials. */
export interface WaitForApidInput extends TalosNodeRef {
  /** Give up after this long with a retryable TalosUnavailable; default: wait until the activity times out. */
  readonly timeoutSeconds?: number;
  /**
   * After an upgrade: wait until the node runs this Talos version. A node that went away and came
   * back with another version rolled back: that ends the wait with a non-retryable TalosUpgradeFailed,
   * so the operation blocks and an operator's retry re-runs the whole upgrade step.
   */
  readonly expectedVersion?: string;
}

/** The Talos version a node runs, as Version reports it. */
export interface TalosNodeVersion {
  readonly tag: string;
  readonly platform: string;
}

/**
 * Polls Version over mTLS until the node answers: after a config apply (install + reboot), an
 * upgrade or a reboot. Heartbeats every poll with the last error so the UI shows why it waits;
 * a permanent refusal (wrong CA role, ...) ends the wait at once.
 */
export async function waitForApid(deps: TalosActivityDeps, input: WaitForApidInput): Promise<TalosNodeVersion> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const deadline = input.timeoutSeconds === undefined ? Infinity : Date.now() + input.timeoutSeconds * 1000;
  let wentAway = false;
  const nextPause = pollBackoff(deps.pollMs ?? 2_000);
  for (let attempt = 1; ; attempt++) {
    const seen = await readVersion(input.address, credentials).catch((error: unknown) => {
      const classified = classifyTalosError(error, `waiting for apid on ${input.address}`);
      if (classified.nonRetryable) throw classified;
      return classified;
    });
    if (!(seen instanceof Error) && (input.expectedVersion === undefined || seen.tag === input.expectedVersion)) return seen;
    if (!(seen instanceof Error) && wentAway) {
      throw failure(
        ErrorType.TalosUpgradeFailed,
        `${input.address} came back with Talos ${seen.tag} instead of ${input.expectedVersion ?? ''}: the upgrade rolled back`,
      );
    }
    wentAway ||= seen instanceof Error;
    const waitingFor = seen instanceof Error ? seen.message : `runs Talos ${seen.tag}, waiting for ${input.expectedVersion ?? ''}`;
    if (Date.now() >= deadline) {
      const expected = input.expectedVersion === undefined ? 'answer mTLS' : `run Talos ${input.expectedVersion}`;
      throw failure(ErrorType.TalosUnavailable, `${input.address} did not ${expected} within ${input.timeoutSeconds}s: ${waitingFor}`);
    }
    heartbeat({ address: input.address, attempt, waitingFor });
    await pause(nextPause());
  }
}

/** Version of one node over the given credentials, unclassified errors. */
export async function readVersion(address: string, credentials: TalosCredentials): Promise<TalosNodeVersion> {
  return withClient(address, credentials, async (client) => {
    const reply = singleNode('machine.MachineService/Version', await client.version(undefined, activityCallOptions(10_000)));
    return { tag: reply.version?.tag ?? '', platform: reply.platform?.name ?? '' };
  });
}
