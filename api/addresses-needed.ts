import type { z } from 'zod';
import type { RolloutStrategy } from './desired-cluster.ts';
import { scaledValue } from './int-or-percent.ts';

type Strategy = z.input<typeof RolloutStrategy>;

/** How many addresses a cluster can hold at once, and what they are for (for the message). */
export interface AddressesNeeded {
  readonly total: number;
  readonly parts: readonly string[];
}

// maxSurge as a count of `replicas`, rounded up as Kubernetes rounds a surge.
function surgeOf(strategy: Strategy | undefined, replicas: number): number {
  if (strategy === undefined) return 1;
  if (strategy.type !== 'RollingUpdate') return 0;
  return scaledValue(strategy.maxSurge ?? 1, replicas, true);
}

/**
 * The most addresses the cluster holds at one time: every machine, the surge of a rollout of the
 * control plane or of a MachineDeployment (one rollout runs at a time), and the control-plane
 * endpoint when it comes from the pool.
 */
export function addressesNeeded(input: {
  readonly controlPlane: { readonly replicas: number; readonly strategy?: Strategy | undefined };
  readonly deployments: readonly { readonly name: string; readonly replicas: number; readonly strategy?: Strategy | undefined }[];
  readonly endpointFromPool: boolean;
}): AddressesNeeded {
  const { controlPlane, deployments } = input;
  const machines = controlPlane.replicas + deployments.reduce((sum, d) => sum + d.replicas, 0);
  const surges = [
    { what: 'the control plane', surge: surgeOf(controlPlane.strategy, controlPlane.replicas) },
    ...deployments.map((d) => ({ what: d.name, surge: surgeOf(d.strategy, d.replicas) })),
  ];
  const widest = surges.reduce((a, b) => (b.surge > a.surge ? b : a));
  const parts = [
    `${machines} machine${machines === 1 ? '' : 's'}`,
    ...(widest.surge > 0 ? [`${widest.surge} more while ${widest.what} rolls out`] : []),
    ...(input.endpointFromPool ? ['1 for the control-plane endpoint'] : []),
  ];
  return { total: machines + widest.surge + (input.endpointFromPool ? 1 : 0), parts };
}
