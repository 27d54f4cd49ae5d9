import { ActivityFailure } from '@temporalio/workflow';
import type { StrayVmRef } from '../../api/cluster-plan.ts';
import type { ClusterWorkflowState } from '../../api/cluster-workflow-state.ts';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import { observeClusterInput, type ClusterObservation } from '../../api/observation.ts';
import { evaluateHealthChecks } from '../../plan/health-checks.ts';
import { planRemediation } from '../../plan/remediation.ts';
import { etcdQuorumLost } from '../../plan/etcd-quorum-lost.ts';
import { calls } from '../activity-profiles.ts';
import type { ClusterView } from './cluster-view.ts';

const strayKey = (vm: { readonly node: string; readonly vmid: number }): string => `${vm.node}/${vm.vmid}`;

/** What one round of observation led to. */
export type ObserveResult = 'observed' | 'remediating' | 'failed';

/**
 * One round of "observe, don't remember": observe the cluster (the observer records Machine
 * conditions as it goes), note stray VMs, evaluate the MachineHealthChecks and record their
 * verdicts, and ask for the deletion of machines remediation allows — their owners then build
 * replacements through the normal plan. Remediation waits while the cluster is paused, held or
 * being deleted.
 */
export async function observeAndHeal(
  view: ClusterView,
  state: ClusterWorkflowState,
  desired: DesiredCluster | undefined,
  mayRemediate: boolean,
): Promise<ObserveResult> {
  const ref = { namespace: state.namespace, name: state.name };
  let observation: ClusterObservation;
  try {
    observation = await calls.observeCluster(desired ? observeClusterInput(desired) : ref);
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    view.refusal = `observing the cluster failed (${error.cause?.message ?? error.message}); nothing is planned until an observation succeeds`;
    view.publish();
    return 'failed';
  }
  view.observe(observation);
  trackStrays(state, observation);
  if (!desired || desired.healthChecks.length === 0) {
    view.health = [];
    return 'observed';
  }
  const results = evaluateHealthChecks(desired.healthChecks, observation, new Date());
  if (JSON.stringify(results) !== JSON.stringify(view.health)) {
    await calls.recordHealthChecks(ref, results);
    view.health = results;
  }
  // With etcd gone everywhere, every control plane looks unhealthy: replacing them would lose the machines a restore needs.
  if (!mayRemediate || desired.paused || etcdQuorumLost(observation, state.name) !== undefined) return 'observed';
  const plan = planRemediation(results, view.observed.machines);
  view.deferred = plan.deferred;
  for (const machine of plan.remediate) {
    await calls.inventoryRecordEvent(ref, {
      kind: 'Machine',
      name: machine.machine,
      type: 'Normal',
      reason: 'Remediating',
      message: `MachineHealthCheck ${machine.check} found it unhealthy (${machine.reason}: ${machine.message}); deleting it so that a replacement is built`,
    });
    await calls.inventoryRequestDelete(ref, machine.machine);
  }
  return plan.remediate.length > 0 ? 'remediating' : 'observed';
}

/** Remembers when each stray VM was first seen (and forgets the ones gone). */
function trackStrays(state: ClusterWorkflowState, observation: ClusterObservation): void {
  const seen: Record<string, string> = {};
  for (const vm of observation.strayVms) seen[strayKey(vm)] = state.strays[strayKey(vm)] ?? observation.at;
  state.strays = seen;
}

/** Stray VMs seen for longer than the grace period: an interrupted clone gets its Machine in that time, or never will. */
export function straysPastGrace(state: ClusterWorkflowState, observation: ClusterObservation, graceSeconds: number): StrayVmRef[] {
  const now = Date.parse(observation.at);
  return observation.strayVms
    .filter((vm) => now - Date.parse(state.strays[strayKey(vm)] ?? observation.at) >= graceSeconds * 1000)
    .map((vm) => ({ name: vm.name, node: vm.node, vmid: vm.vmid }));
}
