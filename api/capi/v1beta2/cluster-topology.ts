import { z } from 'zod';
import { EtcdReplicas } from '../etcd-replicas.ts';
import { MachineDeploymentStrategyType } from '../machine-deployment.ts';
import { AnyJson, IntOrString, TemplateMeta } from '../meta.ts';
import { Version } from '../../versions.ts';
import { DeletionTimeouts } from './meta.ts';

/** A value for one of the class's variables; v1beta2 dropped v1beta1's `definitionFrom`. */
export const ClusterVariableV1Beta2 = z.object({ name: z.string().min(1), value: AnyJson });

const VariableOverrides = z.object({ overrides: z.array(ClusterVariableV1Beta2).optional() });

const UnhealthyNodeCondition = z.object({
  type: z.string().min(1),
  status: z.string().min(1),
  timeoutSeconds: z.number().int().min(0),
});

// The topology's health check: v1beta1's `machineHealthCheck` regrouped as the MachineHealthCheck's own v1beta2 spec is.
function healthCheck<Extra extends z.ZodRawShape>(remediationExtra: Extra) {
  return z.object({
    enabled: z.boolean().optional(),
    checks: z
      .object({
        nodeStartupTimeoutSeconds: z.number().int().min(0).optional(),
        unhealthyNodeConditions: z.array(UnhealthyNodeCondition).max(100).optional(),
      })
      .optional(),
    remediation: z
      .object({
        ...remediationExtra,
        triggerIf: z
          .object({ unhealthyLessThanOrEqualTo: IntOrString.optional(), unhealthyInRange: z.string().max(32).optional() })
          .optional(),
        templateRef: z.object({ apiVersion: z.string().min(1), kind: z.string().min(1), name: z.string().min(1) }).optional(),
      })
      .optional(),
  });
}

/** clusterv1beta2.ControlPlaneTopology: v1beta1's timeouts under `deletion` in seconds, `machineHealthCheck` as `healthCheck`. */
export const ControlPlaneTopologyV1Beta2 = z.object({
  metadata: TemplateMeta.optional(),
  replicas: EtcdReplicas.optional(),
  healthCheck: healthCheck({}).optional(),
  deletion: z.object(DeletionTimeouts).optional(),
});
export type TopologyHealthCheckV1Beta2 = NonNullable<z.infer<typeof ControlPlaneTopologyV1Beta2>['healthCheck']>;

/** clusterv1beta2.MachineDeploymentTopology: `strategy` split into `rollout.strategy`, `deletion.order` and `healthCheck.remediation.maxInFlight`. */
export const MachineDeploymentTopologyV1Beta2 = z.object({
  metadata: TemplateMeta.optional(),
  class: z.string().min(1),
  name: z.string().min(1),
  failureDomain: z.string().optional(),
  replicas: z.number().int().min(0).optional(),
  healthCheck: healthCheck({ maxInFlight: IntOrString.optional() }).optional(),
  deletion: z.object({ order: z.enum(['Random', 'Newest', 'Oldest']).optional(), ...DeletionTimeouts }).optional(),
  minReadySeconds: z.number().int().min(0).optional(),
  rollout: z
    .object({
      strategy: z
        .object({
          type: MachineDeploymentStrategyType.optional(),
          rollingUpdate: z.object({ maxUnavailable: IntOrString.optional(), maxSurge: IntOrString.optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
  variables: VariableOverrides.optional(),
});
export type MachineDeploymentTopologyV1Beta2 = z.infer<typeof MachineDeploymentTopologyV1Beta2>;

/** clusterv1beta2.Topology as CAPI v1.11 defines it (the subset Capstan's v1beta1 topology can hold). */
export const ClusterTopologyV1Beta2 = z.object({
  classRef: z.object({ name: z.string().min(1), namespace: z.string().optional() }),
  version: Version,
  controlPlane: ControlPlaneTopologyV1Beta2.optional(),
  workers: z.object({ machineDeployments: z.array(MachineDeploymentTopologyV1Beta2).optional() }).optional(),
  variables: z.array(ClusterVariableV1Beta2).optional(),
});
export type ClusterTopologyV1Beta2 = z.infer<typeof ClusterTopologyV1Beta2>;
