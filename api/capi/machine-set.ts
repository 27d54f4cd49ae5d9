import { z } from 'zod';
import { defineCrd } from '../crd/define-crd.ts';
import { immutableClusterName } from './cluster-name.ts';
import { Conditions } from './conditions.ts';
import { capiCategory, capiGroup, capiVersion } from './groups.ts';
import { MachineSpec } from './machine-spec.ts';
import { LabelSelector, ObjectEnvelope, TemplateMeta } from './meta.ts';
import { MetaConditions } from './v1beta2/meta.ts';

/** On a Machine: the MachineSet it belongs to (CAPI's label, part of the set's selector). */
export const machineSetNameLabel = 'cluster.x-k8s.io/set-name';

/** On a MachineSet: its template revision within the MachineDeployment, as CAPI numbers them (1, 2, …). */
export const machineSetRevisionAnnotation = 'machinedeployment.clusters.x-k8s.io/revision';

/** Held by every MachineSet until Capstan releases it (CAPI's name). */
export const machineSetFinalizer = 'cluster.x-k8s.io/machineset';

/** `cluster.x-k8s.io/v1beta1` MachineSet spec: one per MachineDeployment and machine shape (template revision). */
export const MachineSetSpec = z.object({
  clusterName: immutableClusterName('MachineSet'),
  /** The machines of this revision Capstan intends to keep (Machines recorded and not being deleted). */
  replicas: z.number().int().min(0).optional(),
  minReadySeconds: z.number().int().min(0).optional(),
  deletePolicy: z.enum(['Random', 'Newest', 'Oldest']).optional(),
  selector: LabelSelector,
  template: z.object({ metadata: TemplateMeta.optional(), spec: MachineSpec }),
});
export type MachineSetSpec = z.infer<typeof MachineSetSpec>;

/** MachineSet status: CAPI's replica counts, as the observer finds them. */
export const MachineSetStatus = z.object({
  /** The selector in query form, for the scale subresource (`a=b,c=d`). */
  selector: z.string().optional(),
  replicas: z.number().int().optional(),
  fullyLabeledReplicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  availableReplicas: z.number().int().optional(),
  observedGeneration: z.number().int().optional(),
  failureReason: z.string().optional(),
  failureMessage: z.string().optional(),
  conditions: Conditions.optional(),
  /** CAPI v1beta1's preview of v1beta2's status: what v1beta2 readers see at the top of theirs. */
  v1beta2: z
    .object({
      conditions: MetaConditions.optional(),
      readyReplicas: z.number().int().optional(),
      availableReplicas: z.number().int().optional(),
      upToDateReplicas: z.number().int().optional(),
    })
    .optional(),
});
export type MachineSetStatus = z.infer<typeof MachineSetStatus>;

/** The object as the API server stores it (the CRD's schema). */
export const MachineSetResource = z.object({ spec: MachineSetSpec, status: MachineSetStatus.optional() });

/** A MachineSet as read from the API server: Capstan writes them, users read them. */
export const MachineSet = MachineSetResource.extend(ObjectEnvelope);
export type MachineSet = z.infer<typeof MachineSet>;

/** The MachineSet CRD: `kubectl get ms` shows old and new revisions during a rollout, as in CAPI. */
export const machineSetCrd = defineCrd(
  {
    group: capiGroup,
    version: capiVersion,
    kind: 'MachineSet',
    plural: 'machinesets',
    singular: 'machineset',
    shortNames: ['ms'],
    categories: [capiCategory],
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
    printerColumns: [
      { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName', description: 'Cluster' },
      { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', priority: 10, description: 'Machines this revision should have' },
      { name: 'Replicas', type: 'integer', jsonPath: '.status.replicas', description: 'Machines of this revision' },
      { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas', description: 'Machines whose Node is Ready' },
      { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas', description: 'Ready for at least minReadySeconds' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'Version', type: 'string', jsonPath: '.spec.template.spec.version', description: 'Kubernetes version of its machines' },
    ],
  },
  MachineSetResource,
);
