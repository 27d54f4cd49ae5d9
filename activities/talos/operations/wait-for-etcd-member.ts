import { ApplicationFailure } from '@temporalio/common';
import { pollBackoff } from '../../poll-backoff.ts';
import { listEtcdMembers, type EtcdMemberInfo } from './etcd-membership.ts';
import { heartbeat, pause, type TalosActivityDeps, type TalosNodeRef } from './talos-session.ts';

/** Wait, through the node at `address`, until `member` is a voting etcd member. */
export interface WaitForEtcdMemberInput extends TalosNodeRef {
  /** The member's hostname (the machine's name). */
  readonly member: string;
}

/**
 * A new control plane joins etcd as a learner and is promoted once it has caught up; only then
 * does it count toward quorum, so the next member may leave. Polls the member list and heartbeats
 * what it sees; passing errors (a leader election) are waited out.
 */
export async function waitForEtcdMember(deps: TalosActivityDeps, input: WaitForEtcdMemberInput): Promise<EtcdMemberInfo> {
  const nextPause = pollBackoff(deps.pollMs ?? 2_000);
  for (let attempt = 1; ; attempt++) {
    let seen: string;
    try {
      const members = await listEtcdMembers(deps, input);
      const found = members.find((m) => m.hostname === input.member);
      if (found && !found.isLearner) return found;
      seen = found ? 'still a learner' : `not a member yet (members: ${members.map((m) => m.hostname).join(', ')})`;
    } catch (error) {
      if (error instanceof ApplicationFailure && error.nonRetryable) throw error;
      seen = (error as Error).message;
    }
    heartbeat({ member: input.member, attempt, seen });
    await pause(nextPause());
  }
}
