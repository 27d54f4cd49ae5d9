import { ApplicationFailure } from '@temporalio/common';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { ErrorType } from '../../../api/errors.ts';
import { failure } from '../../failure.ts';
import { pollBackoff } from '../../poll-backoff.ts';
import { classifiedTalos } from '../machine-api/classify-talos-error.ts';
import type { TalosCredentials } from '../machine-api/credentials.ts';
import { singleNode } from '../machine-api/node-replies.ts';
import type { EtcdMemberInfo } from './etcd-membership.ts';
import { readEtcdService } from './etcd-service-state.ts';
import { activityCallOptions, clusterCredentials, heartbeat, pause, withClient, type TalosActivityDeps } from './talos-session.ts';

/** Wait until every one of these control planes is a voting member of the restored etcd. */
export interface WaitForEtcdRecoveredInput {
  readonly cluster: ClusterRef;
  readonly addresses: readonly string[];
}

/**
 * After a recovery bootstrap the other control planes join the restored member one by one, as
 * learners first. Done when every node's etcd runs healthy and its own member (by the id its
 * etcd reports) is a voter in the member list: then etcd has its full quorum again. Polls and
 * heartbeats what it sees; nodes still rebooting or joining are waited out.
 */
export async function waitForEtcdRecovered(deps: TalosActivityDeps, input: WaitForEtcdRecoveredInput): Promise<EtcdMemberInfo[]> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const addresses = [...new Set(input.addresses)].sort();
  if (addresses.length === 0) throw failure(ErrorType.TalosInvalidConfig, 'waiting for a recovered etcd needs the control-plane addresses');
  const nextPause = pollBackoff(deps.pollMs ?? 2_000);
  for (let attempt = 1; ; attempt++) {
    let seen: string;
    try {
      const members = await recoveredMembers(addresses, credentials);
      if (typeof members !== 'string') return members;
      seen = members;
    } catch (error) {
      if (error instanceof ApplicationFailure && error.nonRetryable) throw error;
      seen = (error as Error).message;
    }
    heartbeat({ waitingFor: 'every control plane to be a voting etcd member', attempt, seen });
    await pause(nextPause());
  }
}

// The members once every node is a voter; otherwise what is missing, for the heartbeat.
async function recoveredMembers(addresses: readonly string[], credentials: TalosCredentials): Promise<EtcdMemberInfo[] | string> {
  const own = await Promise.all(
    addresses.map(async (address) => {
      const etcd = await classifiedTalos(`reading the etcd service of ${address}`, () => readEtcdService(address, credentials));
      if (etcd.state !== 'Running' || !etcd.healthy) return { address, waiting: `etcd ${etcd.state}: ${etcd.message}` };
      const status = await classifiedTalos(`reading the etcd status of ${address}`, () =>
        withClient(address, credentials, async (client) =>
          singleNode('machine.MachineService/EtcdStatus', await client.etcdStatus(undefined, activityCallOptions(15_000))),
        ),
      );
      return { address, memberId: status.memberStatus?.memberId ?? '' };
    }),
  );
  const waiting = own.flatMap((o) => ('waiting' in o ? [`${o.address}: ${o.waiting}`] : []));
  if (waiting.length > 0) return waiting.join('; ');
  const first = addresses[0] ?? '';
  const reply = await classifiedTalos(`listing etcd members on ${first}`, () =>
    withClient(first, credentials, async (client) =>
      singleNode('machine.MachineService/EtcdMemberList', await client.etcdMemberList(undefined, activityCallOptions(15_000))),
    ),
  );
  const members: EtcdMemberInfo[] = reply.members.map((m) => ({
    id: m.id,
    hostname: m.hostname,
    peerUrls: [...m.peerUrls],
    clientUrls: [...m.clientUrls],
    isLearner: m.isLearner,
  }));
  const notVoting = own.flatMap((o) => {
    const member = 'memberId' in o ? members.find((m) => m.id === o.memberId) : undefined;
    return member && !member.isLearner ? [] : [`${o.address}: ${member ? 'still a learner' : 'not in the member list yet'}`];
  });
  return notVoting.length > 0 ? notVoting.join('; ') : members;
}
