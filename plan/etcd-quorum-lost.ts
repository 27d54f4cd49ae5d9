// Whether a bootstrapped cluster's etcd is gone for good: no member list answers, and every
// control plane answers Talos with an etcd that does not run. Pure: the observation comes in.
import type { ClusterObservation } from '../api/observation.ts';

/** The states of an etcd service that holds no running member. */
const notRunning = new Set(['Preparing', 'Waiting', 'Failed', 'Finished', 'Absent']);

/**
 * A sentence for operators when etcd lost its quorum for good, else undefined. A passing outage —
 * some control plane not answering, or an etcd still starting on one that answers — is not "for
 * good": the next observation sees it again. Restoring from a snapshot is then the only way back.
 */
export function etcdQuorumLost(observation: ClusterObservation, cluster: string): string | undefined {
  if (!observation.controlPlaneInitialized || observation.etcdMembers !== undefined) return undefined;
  const controlPlanes = observation.machines.filter((m) => m.role === 'control-plane' && !m.deleting);
  const services = observation.etcdServices ?? [];
  if (controlPlanes.length === 0) return undefined;
  const byMachine = new Map(services.map((s) => [s.machine, s]));
  const everyOneAnswered = controlPlanes.every((m) => byMachine.has(m.name));
  if (!everyOneAnswered || !services.every((s) => notRunning.has(s.state))) return undefined;
  const states = controlPlanes
    .map((m) => byMachine.get(m.name))
    .map((s) => `${s?.machine ?? '?'} ${s?.state ?? '?'}${s?.message ? ` (${s.message})` : ''}`)
    .join(', ');
  return (
    `etcd lost its quorum for good: no control plane runs an etcd member (${states}); ` +
    `the cluster's data is gone until it is restored from a snapshot: capstan etcd restore ${cluster}`
  );
}
