// Test-only builders of cluster-workflow progress and controller facts.
import type { ClusterProgress, MachineProgress } from '../../api/cluster-messages.ts';
import type { ClusterFacts } from '../../client/controller/status/cluster-facts.ts';

/** A Ready, Running machine; override what the case needs. */
export function machine(name: string, overrides: Partial<MachineProgress> & Record<string, unknown> = {}): MachineProgress {
  const worker = overrides.role === 'worker' || overrides.deployment !== undefined;
  return {
    name,
    role: worker ? 'worker' : 'control-plane',
    phase: 'Running',
    ready: true,
    kubernetesVersion: 'v1.33.4',
    talosVersion: 'v1.11.5',
    address: '10.10.10.21',
    ...overrides,
  };
}

/** An up-to-date cluster of 3 control planes and 2 workers in md-0, idle. */
export function idleProgress(overrides: Partial<ClusterProgress> = {}): ClusterProgress {
  return {
    cluster: 'default/demo',
    phase: 'Idle',
    generation: 1,
    bootstrapped: true,
    blocked: [],
    machines: [
      machine('demo-cp-a'),
      machine('demo-cp-b'),
      machine('demo-cp-c'),
      machine('demo-md-0-a', { role: 'worker', deployment: 'md-0' }),
      machine('demo-md-0-b', { role: 'worker', deployment: 'md-0' }),
    ],
    deleteRequested: false,
    operations: 1,
    recent: [{ kind: 'provision', summary: 'provision default/demo: 3 control-plane machines, 2 workers', outcome: 'Succeeded' }],
    ...overrides,
  };
}

/** Facts of a valid, running, unpaused cluster with the given progress. */
export function facts(progress: ClusterProgress | undefined, overrides: Partial<ClusterFacts> = {}): ClusterFacts {
  return {
    namespace: 'default',
    name: 'demo',
    generation: 4,
    deleting: false,
    paused: false,
    spec: { valid: true },
    workflow: { state: 'running' },
    progress,
    ...overrides,
  };
}

/** An operation as the progress shows it. */
export function operation(
  kind: string,
  summary: string,
  step = 2,
  steps = 5,
  currentStep = 'drain node demo-cp-a',
): NonNullable<ClusterProgress['operation']> {
  return { workflowId: `cluster/default/demo/${kind}/3`, kind, summary, step, steps, currentStep };
}
