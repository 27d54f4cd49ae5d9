import { z } from 'zod';

/**
 * `spec.clusterName` of a kind that belongs to one cluster for its whole life. CAPI's webhooks
 * refuse a change on MachineDeployments, MachineSets and Machines; a CEL transition rule does the
 * same here, so re-applying one with another cluster's name cannot move it (and its machines)
 * from one cluster to the other.
 */
export function immutableClusterName(kind: string) {
  return z
    .string()
    .min(1)
    .meta({
      'x-kubernetes-validations': [
        {
          rule: 'self == oldSelf',
          message: `spec.clusterName is immutable: a ${kind} stays with its cluster; create a new ${kind} for the other cluster instead`,
        },
      ],
    });
}
