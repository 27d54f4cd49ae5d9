/** One etcd member as the plan sees it: the control-plane machine it runs on and whether it is healthy. */
export interface EtcdMemberHealth {
  readonly name: string;
  readonly healthy: boolean;
}

/** Voting members etcd needs for a majority: 2 of 3, 3 of 5, 1 of 1 (and of 2: both). */
export function quorum(members: number): number {
  return Math.floor(members / 2) + 1;
}

const healthyCount = (members: readonly EtcdMemberHealth[]): number => members.filter((m) => m.healthy).length;

/** Why etcd cannot take any membership change now (it has lost quorum), if so. */
export function quorumLost(members: readonly EtcdMemberHealth[]): string | undefined {
  const healthy = healthyCount(members);
  if (members.length === 0 || healthy >= quorum(members.length)) return undefined;
  return `etcd has lost quorum: ${healthy} of ${members.length} members healthy, ${quorum(members.length)} needed; restore it before changing the control plane`;
}

/**
 * Why adding a member now is unsafe, if it is. Talos joins new members as learners, which do not
 * vote until promoted (siderolabs/talos "add new etcd members in learner mode"), so a join only
 * needs the current members to have quorum; the new member counts once it is healthy.
 */
export function checkAddition(members: readonly EtcdMemberHealth[]): string | undefined {
  return quorumLost(members);
}

/** Why removing member `name` now is unsafe (it loses quorum, or it is the last member), if it is. */
export function checkRemoval(members: readonly EtcdMemberHealth[], name: string): string | undefined {
  const lost = quorumLost(members);
  if (lost) return lost;
  const rest = members.filter((m) => m.name !== name);
  if (rest.length === 0) return `${name} is the last etcd member and cannot be removed`;
  const healthy = healthyCount(rest);
  if (healthy < quorum(rest.length)) {
    return `removing ${name} would leave ${rest.length} etcd members with ${healthy} healthy, and quorum needs ${quorum(rest.length)}`;
  }
  return undefined;
}

/** The etcd members among observed machines: control planes observed as members (healthy when Ready). */
export function observedMembers(
  machines: readonly {
    readonly role: string;
    readonly name: string;
    readonly etcdMember?: boolean | undefined;
    readonly ready: boolean;
    readonly phase: string;
  }[],
): EtcdMemberHealth[] {
  return machines
    .filter((m) => m.role === 'control-plane' && m.etcdMember !== false)
    .map((m) => ({ name: m.name, healthy: m.ready && m.phase !== 'Deleting' }));
}
