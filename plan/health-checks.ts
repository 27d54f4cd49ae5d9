import type { HealthCheck, HealthCheckResult, UnhealthyReason } from '../api/health-check.ts';
import type { ClusterObservation, MachineObservation } from '../api/observation.ts';
import { matchesSelector } from './label-selector.ts';
import { scaledDown } from '../api/int-or-percent.ts';

type Verdict =
  | { readonly state: 'healthy' }
  | { readonly state: 'starting' }
  | { readonly state: 'unhealthy'; readonly reason: UnhealthyReason; readonly message: string };

const seconds = (from: string, now: Date): number => (now.getTime() - Date.parse(from)) / 1000;

/**
 * One target's health as CAPI's MachineHealthCheck decides it, in its order: a machine whose VM is
 * gone has failed; a Node that existed and is gone was deleted; before the control plane is up only
 * control-plane machines are judged; no Node within nodeStartupTimeout of the VM coming up is a
 * startup timeout; a Node condition held longer than its timeout is an unhealthy node.
 */
function judge(check: HealthCheck, machine: MachineObservation, observation: ClusterObservation, now: Date): Verdict {
  if (!machine.vm && machine.providerID !== undefined) {
    return { state: 'unhealthy', reason: 'MachineHasFailure', message: `its VM is gone (${machine.providerID})` };
  }
  const apiKnown = observation.kubernetesApi === 'reachable';
  if (apiKnown && machine.hadNode && !machine.node)
    return { state: 'unhealthy', reason: 'NodeDeleted', message: `its Node ${machine.name} was deleted` };
  if (!observation.controlPlaneInitialized && machine.role !== 'control-plane') return { state: 'starting' };
  if (!machine.node) {
    if (!apiKnown && machine.hadNode) return { state: 'starting' }; // cannot tell: the workload API did not answer
    const since = machine.infrastructureReadySince ?? machine.createdAt;
    const timeout = check.nodeStartupTimeoutSeconds;
    if (timeout > 0 && seconds(since, now) > timeout) {
      return { state: 'unhealthy', reason: 'NodeStartupTimeout', message: `no Node ${timeout} s after its VM came up` };
    }
    return { state: 'starting' };
  }
  for (const wanted of check.unhealthyConditions) {
    const held = machine.node.conditions.find((c) => c.type === wanted.type && c.status === wanted.status);
    if (held && seconds(held.lastTransitionTime, now) > wanted.timeoutSeconds) {
      return {
        state: 'unhealthy',
        reason: 'UnhealthyNode',
        message: `Node condition ${wanted.type}=${wanted.status} for more than ${wanted.timeoutSeconds} s`,
      };
    }
  }
  return machine.node.ready === 'True' ? { state: 'healthy' } : { state: 'starting' };
}

/** Whether remediation may go on with this many unhealthy (or not yet started) targets, and how many more. */
function allowance(
  check: HealthCheck,
  total: number,
  unhealthy: number,
): Pick<HealthCheckResult, 'remediationAllowed' | 'remediationsAllowed' | 'message'> {
  if (check.unhealthyRange) {
    const { min, max } = check.unhealthyRange;
    if (unhealthy >= min && unhealthy <= max) return { remediationAllowed: true, remediationsAllowed: max - unhealthy };
    const range = `[${min}-${max}]`;
    return {
      remediationAllowed: false,
      remediationsAllowed: 0,
      message: `Remediation is not allowed, the number of not started or unhealthy machines does not fall within the range (total: ${total}, unhealthy: ${unhealthy}, unhealthyRange: ${range})`,
    };
  }
  const max = scaledDown(check.maxUnhealthy, total);
  if (unhealthy <= max) return { remediationAllowed: true, remediationsAllowed: max - unhealthy };
  return {
    remediationAllowed: false,
    remediationsAllowed: 0,
    message: `Remediation is not allowed, the number of not started or unhealthy machines exceeds maxUnhealthy (total: ${total}, unhealthy: ${unhealthy}, maxUnhealthy: ${check.maxUnhealthy})`,
  };
}

/** Every MachineHealthCheck's verdict on one observation (machines being deleted are no longer targets). */
export function evaluateHealthChecks(checks: readonly HealthCheck[], observation: ClusterObservation, now: Date): HealthCheckResult[] {
  return checks.map((check) => {
    const targets = observation.machines.filter((m) => !m.deleting && matchesSelector(check.selector, m.labels));
    const verdicts = targets.map((machine) => ({ machine, verdict: judge(check, machine, observation, now) }));
    const healthy = verdicts.filter((v) => v.verdict.state === 'healthy').length;
    const unhealthy = verdicts.flatMap(({ machine, verdict }) =>
      verdict.state === 'unhealthy' ? [{ machine: machine.name, reason: verdict.reason, message: verdict.message }] : [],
    );
    return {
      name: check.name,
      targets: targets.map((m) => m.name).sort(),
      currentHealthy: healthy,
      unhealthy,
      ...allowance(check, targets.length, targets.length - healthy),
    };
  });
}
