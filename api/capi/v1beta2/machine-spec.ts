import { z } from 'zod';
import { Version } from '../../versions.ts';
import { ContractVersionedObjectReference, DeletionTimeouts } from './meta.ts';

/** clusterv1beta2.MachineReadinessGate: a condition a Machine waits for before it is Ready. */
export const MachineReadinessGate = z.object({
  conditionType: z.string().min(1),
  polarity: z.enum(['Positive', 'Negative']).optional(),
});

/** clusterv1beta2.MachineTaint: a taint CAPI keeps on the machine's Node. */
export const MachineTaint = z.object({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
  propagation: z.enum(['Always', 'OnInitialization']),
});

/** clusterv1beta2.MachineSpec: v1beta1's, with group-kind references and timeouts in seconds under `deletion`. */
export const MachineSpecV1Beta2 = z.object({
  clusterName: z.string().min(1),
  bootstrap: z.object({
    configRef: ContractVersionedObjectReference.optional(),
    dataSecretName: z.string().optional(),
  }),
  infrastructureRef: ContractVersionedObjectReference.optional(),
  version: Version.optional(),
  providerID: z.string().optional(),
  failureDomain: z.string().optional(),
  /** v1beta1 keeps this on the MachineDeployment's spec. */
  minReadySeconds: z.number().int().min(0).optional(),
  readinessGates: z.array(MachineReadinessGate).optional(),
  deletion: z.object(DeletionTimeouts).optional(),
  taints: z.array(MachineTaint).optional(),
});
export type MachineSpecV1Beta2 = z.infer<typeof MachineSpecV1Beta2>;
