import { z } from 'zod';
import { Version } from '../versions.ts';
import { Duration, ObjectReference } from './meta.ts';

/** clusterv1.MachineSpec: what a Machine is, and what a MachineDeployment stamps out. */
export const MachineSpec = z.object({
  clusterName: z.string().min(1),
  bootstrap: z.object({
    /** Must name a TalosConfigTemplate (in a MachineDeployment). */
    configRef: ObjectReference.optional(),
    /** Pre-made bootstrap data: Capstan renders every machine's config itself, so unsupported. */
    dataSecretName: z.string().optional(),
  }),
  /** Must name a ProxmoxMachineTemplate (in a MachineDeployment). */
  infrastructureRef: ObjectReference.optional(),
  /** Kubernetes version of the kubelet, `v1.33.4`. */
  version: Version.optional(),
  providerID: z.string().optional(),
  failureDomain: z.string().optional(),
  nodeDrainTimeout: Duration.optional(),
  nodeVolumeDetachTimeout: Duration.optional(),
  nodeDeletionTimeout: Duration.optional(),
});
export type MachineSpec = z.infer<typeof MachineSpec>;
