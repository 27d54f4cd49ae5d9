import type { HealthCheckResult } from '../api/health-check.ts';
import type { ObservedMachine } from '../api/observed-cluster.ts';
import { checkRemoval, observedMembers } from './etcd-quorum.ts';

/** What remediation does now: machines to delete (their owner builds replacements) and machines it waits on. */
export interface RemediationPlan {
  readonly remediate: readonly { readonly machine: string; readonly check: string; readonly reason: string; readonly message: string }[];
  readonly deferred: readonly { readonly machine: string; readonly check: string; readonly why: string }[];
}

/**
 * Remediation as CAPI's owners do it once a MachineHealthCheck marked machines unhealthy and
 * allows remediation: a worker is deleted (its MachineDeployment builds a replacement); a control
 * plane only one at a time, never while another control-plane machine is still joining or leaving,
 * never the last one, and only when etcd keeps quorum without it (KubeadmControlPlane's rules; the
 * Talos control-plane provider has no remediation at all).
 */
export function planRemediation(results: readonly HealthCheckResult[], machines: readonly ObservedMachine[]): RemediationPlan {
  const remediate: RemediationPlan['remediate'][number][] = [];
  const deferred: RemediationPlan['deferred'][number][] = [];
  const taken = new Set<string>();
  const controlPlanes = machines.filter((m) => m.role === 'control-plane');
  const settling = controlPlanes.some((m) => m.phase === 'Deleting' || m.phase === 'Provisioning');
  let controlPlaneTaken = false;
  for (const result of results) {
    if (!result.remediationAllowed) continue;
    for (const unhealthy of result.unhealthy) {
      const machine = machines.find((m) => m.name === unhealthy.machine);
      if (!machine || machine.phase === 'Deleting' || taken.has(machine.name)) continue;
      const defer = (why: string): void => {
        deferred.push({ machine: machine.name, check: result.name, why });
      };
      if (machine.role === 'control-plane') {
        if (controlPlaneTaken) {
          defer('another control-plane machine is being remediated; one at a time');
          continue;
        }
        if (settling) {
          defer('a control-plane machine is still joining or leaving');
          continue;
        }
        if (controlPlanes.length <= 1) {
          defer('it is the only control-plane machine');
          continue;
        }
        const unsafe = machine.etcdMember === false ? undefined : checkRemoval(observedMembers(machines), machine.name);
        if (unsafe) {
          defer(unsafe);
          continue;
        }
        controlPlaneTaken = true;
      }
      taken.add(machine.name);
      remediate.push({ machine: machine.name, check: result.name, reason: unhealthy.reason, message: unhealthy.message });
    }
  }
  return { remediate, deferred };
}
