import { z } from 'zod';
import { immutableClusterName } from '../cluster-name.ts';
import { Conditions } from '../conditions.ts';
import { MachineAddress, MachinePhase, NodeInfo } from '../machine.ts';
import { ObjectEnvelope, ObjectReference } from '../meta.ts';
import { MachineSpecV1Beta2 } from './machine-spec.ts';
import { MetaConditions } from './meta.ts';

/** Machine status in v1beta2: `initialization`, a node reference by name, v1beta1's leftovers under `deprecated.v1beta1`. */
export const MachineStatusV1Beta2 = z.object({
  conditions: MetaConditions.optional(),
  initialization: z
    .object({ infrastructureProvisioned: z.boolean().optional(), bootstrapDataSecretCreated: z.boolean().optional() })
    .optional(),
  nodeRef: z.object({ name: z.string().min(1) }).optional(),
  nodeInfo: NodeInfo.optional(),
  lastUpdated: z.iso.datetime({ offset: true }).optional(),
  addresses: z.array(MachineAddress).optional(),
  phase: MachinePhase.optional(),
  observedGeneration: z.number().int().optional(),
  deprecated: z
    .object({
      v1beta1: z
        .object({
          conditions: Conditions.optional(),
          failureReason: z.string().optional(),
          failureMessage: z.string().optional(),
          /** The v1beta1 node reference when it says more than the Node's name (its uid, as Capstan's observer writes it). */
          nodeRef: ObjectReference.optional(),
        })
        .optional(),
    })
    .optional(),
  /** Capstan's, as in v1beta1: where the VM runs and which Talos it runs. */
  proxmox: z.object({ node: z.string(), vmid: z.number().int() }).optional(),
  talosVersion: z.string().optional(),
});
export type MachineStatusV1Beta2 = z.infer<typeof MachineStatusV1Beta2>;

/** The v1beta2 Machine as the API server stores it. */
export const MachineResourceV1Beta2 = z.object({
  spec: MachineSpecV1Beta2.extend({ clusterName: immutableClusterName('Machine') }),
  status: MachineStatusV1Beta2.optional(),
});

/** A `cluster.x-k8s.io/v1beta2` Machine. */
export const MachineV1Beta2 = MachineResourceV1Beta2.extend(ObjectEnvelope);
export type MachineV1Beta2 = z.infer<typeof MachineV1Beta2>;
