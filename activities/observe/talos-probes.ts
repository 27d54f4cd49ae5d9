// What Talos answers about each machine, within a short deadline: the installed version, the etcd
// member list through a control plane that answers, and each member's own status. A node that does
// not answer is a fact to report, never a failure of the observation.
import { status } from '@grpc/grpc-js';
import type { EtcdMemberObservation, EtcdServiceObservation } from '../../api/observation.ts';
import type { TalosCredentials } from '../talos/machine-api/credentials.ts';
import type { TalosCallOptions } from '../talos/machine-api/grpc-calls.ts';
import { TalosMachineClient } from '../talos/machine-api/machine-client.ts';
import { singleNode } from '../talos/machine-api/node-replies.ts';
import { hasCode } from '../talos/machine-api/talos-call-error.ts';

/** What one Version call found. */
export type TalosAnswer = { readonly reachable: true; readonly version: string } | { readonly reachable: false; readonly problem: string };

/** An etcd member as the list answered. */
export interface EtcdListedMember {
  readonly id: string;
  readonly name: string;
  readonly learner: boolean;
}

/** Problems are shown on conditions and kept in history: one line, bounded. */
export function shortProblem(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

async function withNode<T>(address: string, credentials: TalosCredentials, use: (client: TalosMachineClient) => Promise<T>): Promise<T> {
  const client = new TalosMachineClient(address, credentials);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/** The Talos version the node at `address` runs, or why it did not say. */
export async function probeVersion(address: string, credentials: TalosCredentials, options: TalosCallOptions): Promise<TalosAnswer> {
  try {
    const reply = await withNode(address, credentials, async (c) =>
      singleNode('machine.MachineService/Version', await c.version(undefined, options)),
    );
    const tag = reply.version?.tag;
    return tag ? { reachable: true, version: tag } : { reachable: false, problem: `Talos at ${address} reported no version` };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { reachable: false, problem: `Talos API at ${address} did not answer: ${shortProblem(error)}` };
  }
}

/**
 * The etcd members through the first control plane (by address) that lists them; when none can
 * (no quorum), the local view of the first one that answers at all. Undefined when none answers.
 */
export async function listEtcdMembers(
  addresses: readonly string[],
  credentials: TalosCredentials,
  options: TalosCallOptions,
): Promise<EtcdListedMember[] | undefined> {
  for (const queryLocal of [false, true]) {
    for (const address of addresses) {
      try {
        const reply = await withNode(address, credentials, async (c) =>
          singleNode('machine.MachineService/EtcdMemberList', await c.etcdMemberList(undefined, { ...options, queryLocal })),
        );
        return reply.members.map((m) => ({ id: m.id, name: m.hostname, learner: m.isLearner }));
      } catch (error) {
        if (options.signal?.aborted) throw error;
      }
    }
  }
  return undefined;
}

/**
 * One member's health from its own node (EtcdStatus, as `talosctl etcd status`): healthy when the
 * node answers for that member and etcd reports no errors. A node without EtcdStatus (older Talos)
 * is judged by its etcd service's health check.
 */
export async function probeEtcdMember(
  member: EtcdListedMember,
  address: string,
  credentials: TalosCredentials,
  options: TalosCallOptions,
): Promise<EtcdMemberObservation> {
  const base = { id: member.id, learner: member.learner };
  try {
    const reply = await withNode(address, credentials, async (c) =>
      singleNode('machine.MachineService/EtcdStatus', await c.etcdStatus(undefined, options)),
    );
    const state = reply.memberStatus;
    if (!state) return { ...base, healthy: false, problem: `${address} reported no etcd status` };
    if (state.memberId !== '0' && state.memberId !== member.id) {
      return { ...base, healthy: false, problem: `${address} runs etcd member ${state.memberId}, not ${member.id}` };
    }
    if (state.errors.length > 0) return { ...base, healthy: false, problem: shortProblem(state.errors.join('; ')) };
    return { ...base, healthy: true };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (hasCode(error, status.UNIMPLEMENTED)) return serviceHealth(base, address, credentials, options);
    return { ...base, healthy: false, problem: `etcd status from ${address}: ${shortProblem(error)}` };
  }
}

async function serviceHealth(
  base: Pick<EtcdMemberObservation, 'id' | 'learner'>,
  address: string,
  credentials: TalosCredentials,
  options: TalosCallOptions,
): Promise<EtcdMemberObservation> {
  try {
    const reply = await withNode(address, credentials, async (c) =>
      singleNode('machine.MachineService/ServiceList', await c.serviceList(undefined, options)),
    );
    const etcd = reply.services.find((s) => s.id === 'etcd');
    if (etcd?.state === 'Running' && etcd.health?.healthy) return { ...base, healthy: true };
    const why = etcd ? `etcd service is ${etcd.state}${etcd.health?.lastMessage ? `: ${etcd.health.lastMessage}` : ''}` : 'no etcd service';
    return { ...base, healthy: false, problem: shortProblem(why) };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { ...base, healthy: false, problem: `services of ${address}: ${shortProblem(error)}` };
  }
}

/** The etcd service of one node (ServiceList), for when etcd itself cannot be asked; undefined when Talos does not answer. */
export async function probeEtcdService(
  machine: string,
  address: string,
  credentials: TalosCredentials,
  options: TalosCallOptions,
): Promise<EtcdServiceObservation | undefined> {
  try {
    const reply = await withNode(address, credentials, async (c) =>
      singleNode('machine.MachineService/ServiceList', await c.serviceList(undefined, options)),
    );
    const etcd = reply.services.find((s) => s.id === 'etcd');
    if (!etcd) return { machine, state: 'Absent', message: 'no etcd service' };
    const message = etcd.health?.lastMessage;
    return { machine, state: etcd.state, ...(message ? { message: shortProblem(message) } : {}) };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return undefined;
  }
}
