import type { Availability } from '../api/cluster-messages.ts';
import type { DesiredCluster } from '../api/desired-cluster.ts';
import type { ClusterObservation } from '../api/observation.ts';
import type { ObservedCluster } from '../api/observed-cluster.ts';
import { quorum } from './etcd-quorum.ts';
import { scaledDown } from '../api/int-or-percent.ts';

const available = (message: string): Availability => ({ available: true, reason: 'Available', message });
const unavailable = (reason: string, message: string): Availability => ({ available: false, reason, message });

/** The control plane serves: etcd was bootstrapped, a majority of its members are healthy, and the Kubernetes API answers. */
export function controlPlaneAvailability(observation: ClusterObservation, observed: ObservedCluster): Availability {
  if (!observation.controlPlaneInitialized) return unavailable('NotInitialized', 'etcd has not been bootstrapped yet');
  if (observation.etcdMembers === undefined) return unavailable('EtcdUnreachable', 'no control-plane machine answers for etcd');
  const voters = observation.etcdMembers.filter((m) => !m.learner);
  const healthy = observed.machines.filter((m) => m.role === 'control-plane' && m.etcdMember === true && m.ready).length;
  const needed = quorum(voters.length);
  if (healthy < needed) return unavailable('EtcdQuorumLost', `${healthy} of ${voters.length} etcd members healthy, ${needed} needed`);
  if (observation.kubernetesApi !== 'reachable')
    return unavailable('ApiServerUnreachable', 'the Kubernetes API does not answer at the control-plane endpoint');
  return available(`${healthy} of ${voters.length} etcd members healthy; the Kubernetes API answers`);
}

/** The workers serve: every MachineDeployment has at least replicas − maxUnavailable machines Ready. */
export function workersAvailability(desired: DesiredCluster, observed: ObservedCluster): Availability {
  const short: string[] = [];
  for (const md of desired.machineDeployments) {
    const maxUnavailable = md.strategy.type === 'RollingUpdate' ? scaledDown(md.strategy.maxUnavailable, md.replicas) : 0;
    const needed = Math.max(0, md.replicas - maxUnavailable);
    const ready = observed.machines.filter(
      (m) => m.role === 'worker' && m.deployment === md.name && m.phase !== 'Deleting' && m.ready,
    ).length;
    if (ready < needed) short.push(`${md.name}: ${ready} of ${md.replicas} Ready, ${needed} needed`);
  }
  if (short.length > 0) return unavailable('NotEnoughReadyWorkers', short.join('; '));
  const total = desired.machineDeployments.reduce((n, md) => n + md.replicas, 0);
  return available(total === 0 ? 'the cluster has no workers' : 'every MachineDeployment has enough Ready workers');
}
