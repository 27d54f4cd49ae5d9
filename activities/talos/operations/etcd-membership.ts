import { status } from '@grpc/grpc-js';
import { classifiedTalos, classifyTalosError } from '../machine-api/classify-talos-error.ts';
import { singleNode } from '../machine-api/node-replies.ts';
import { hasCode } from '../machine-api/talos-call-error.ts';
import { activityCallOptions, clusterCredentials, withClient, type TalosActivityDeps, type TalosNodeRef } from './talos-session.ts';

/** An etcd member as plans read it; `id` is a uint64 in decimal. */
export interface EtcdMemberInfo {
  readonly id: string;
  readonly hostname: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

/** Remove a member (whose node is gone) through a healthy control-plane node. */
export interface RemoveEtcdMemberInput extends TalosNodeRef {
  readonly memberId: string;
}

/** The etcd members, as the node at `address` sees the cluster. */
export async function listEtcdMembers(deps: TalosActivityDeps, input: TalosNodeRef): Promise<EtcdMemberInfo[]> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const reply = await classifiedTalos(`listing etcd members on ${input.address}`, () =>
    withClient(input.address, credentials, async (client) =>
      singleNode('machine.MachineService/EtcdMemberList', await client.etcdMemberList(undefined, activityCallOptions())),
    ),
  );
  return reply.members.map((m) => ({
    id: m.id,
    hostname: m.hostname,
    peerUrls: [...m.peerUrls],
    clientUrls: [...m.clientUrls],
    isLearner: m.isLearner,
  }));
}

/** Moves leadership off the node (before it leaves); returns the new leader's name. */
export async function forfeitEtcdLeadership(deps: TalosActivityDeps, input: TalosNodeRef): Promise<{ readonly newLeader: string }> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const reply = await classifiedTalos(`forfeiting etcd leadership on ${input.address}`, () =>
    withClient(input.address, credentials, async (client) =>
      singleNode('machine.MachineService/EtcdForfeitLeadership', await client.etcdForfeitLeadership(undefined, activityCallOptions())),
    ),
  );
  return { newLeader: reply.member };
}

/** Makes the node's member leave etcd; a member already gone (NotFound) counts as left. */
export async function leaveEtcdCluster(deps: TalosActivityDeps, input: TalosNodeRef): Promise<{ readonly left: boolean }> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  try {
    await withClient(input.address, credentials, async (client) =>
      singleNode('machine.MachineService/EtcdLeaveCluster', await client.etcdLeaveCluster(undefined, activityCallOptions())),
    );
    return { left: true };
  } catch (error) {
    if (hasCode(error, status.NOT_FOUND)) return { left: false };
    throw classifyTalosError(error, `leaving etcd on ${input.address}`);
  }
}

/** Removes a member by id; an unknown id (already removed) is success with `removed: false`. */
export async function removeEtcdMember(deps: TalosActivityDeps, input: RemoveEtcdMemberInput): Promise<{ readonly removed: boolean }> {
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  try {
    await withClient(input.address, credentials, async (client) =>
      singleNode(
        'machine.MachineService/EtcdRemoveMemberByID',
        await client.etcdRemoveMemberById(input.memberId, undefined, activityCallOptions()),
      ),
    );
    return { removed: true };
  } catch (error) {
    if (hasCode(error, status.NOT_FOUND)) return { removed: false };
    throw classifyTalosError(error, `removing etcd member ${input.memberId} via ${input.address}`);
  }
}
