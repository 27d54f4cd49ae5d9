import { z } from 'zod';
import { EtcdReplicas } from './etcd-replicas.ts';
import { withAliasVersion } from '../crd/alias-version.ts';
import { defineCrd } from '../crd/define-crd.ts';
import { Version } from '../versions.ts';
import { Conditions } from './conditions.ts';
import { capiCategory, controlPlaneGroup, controlPlaneVersion } from './groups.ts';
import { IntOrString, ObjectEnvelope, ObjectReference } from './meta.ts';
import { OperationStatus } from './operation-status.ts';
import { TalosConfigSpec } from './talos-config-spec.ts';

/**
 * How control-plane machines are replaced: CACPPT's `RollingUpdate` (one at a time, `maxSurge`
 * 0 or 1) and `OnDelete`, plus Capstan's `InPlace` (Talos upgrade API, no new VM).
 */
export const TalosControlPlaneRolloutType = z.enum(['RollingUpdate', 'OnDelete', 'InPlace']);

/** `controlplane.cluster.x-k8s.io/v1alpha3` TalosControlPlane spec (CACPPT's field names). */
export const TalosControlPlaneSpec = z.object({
  /** An odd number of etcd members; CACPPT defaults an absent count to 1. */
  replicas: EtcdReplicas.optional(),
  /** Kubernetes version of the control plane, `v1.34.2`; patch it to upgrade. */
  version: Version,
  /** Must name a ProxmoxMachineTemplate. */
  infrastructureTemplate: ObjectReference,
  controlPlaneConfig: z.object({
    /** Deprecated by CACPPT since v0.4; ignored. */
    init: TalosConfigSpec.optional(),
    controlplane: TalosConfigSpec,
  }),
  rolloutStrategy: z
    .object({
      type: TalosControlPlaneRolloutType.optional(),
      rollingUpdate: z.object({ maxSurge: IntOrString.optional() }).optional(),
    })
    .optional(),
});
export type TalosControlPlaneSpec = z.infer<typeof TalosControlPlaneSpec>;

/** TalosControlPlane status: CACPPT's fields, plus the version it runs and Capstan's running operation. */
export const TalosControlPlaneStatus = z.object({
  selector: z.string().optional(),
  replicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  updatedReplicas: z.number().int().optional(),
  unavailableReplicas: z.number().int().optional(),
  initialized: z.boolean().optional(),
  ready: z.boolean().optional(),
  bootstrapped: z.boolean().optional(),
  /** The oldest Kubernetes version any control-plane machine runs. */
  version: z.string().optional(),
  failureReason: z.string().optional(),
  failureMessage: z.string().optional(),
  observedGeneration: z.number().int().optional(),
  conditions: Conditions.optional(),
  operation: OperationStatus.optional(),
});
export type TalosControlPlaneStatus = z.infer<typeof TalosControlPlaneStatus>;

/** The object as the API server stores it (the CRD's schema). */
export const TalosControlPlaneResource = z.object({ spec: TalosControlPlaneSpec, status: TalosControlPlaneStatus.optional() });

/** A TalosControlPlane as read from the API server or a manifest. */
export const TalosControlPlane = TalosControlPlaneResource.extend(ObjectEnvelope);
export type TalosControlPlane = z.infer<typeof TalosControlPlane>;

/** The TalosControlPlane CRD: CACPPT's columns, `kubectl get tcp` and `kubectl scale tcp`. */
export const talosControlPlaneCrd = withAliasVersion(
  defineCrd(
    {
      group: controlPlaneGroup,
      version: controlPlaneVersion,
      kind: 'TalosControlPlane',
      plural: 'taloscontrolplanes',
      singular: 'taloscontrolplane',
      shortNames: ['tcp'],
      categories: [capiCategory],
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
      printerColumns: [
        { name: 'Ready', type: 'boolean', jsonPath: '.status.ready', description: 'The API server answers' },
        { name: 'Initialized', type: 'boolean', jsonPath: '.status.initialized', description: 'etcd was bootstrapped' },
        { name: 'Replicas', type: 'integer', jsonPath: '.status.replicas' },
        { name: 'Ready Replicas', type: 'integer', jsonPath: '.status.readyReplicas' },
        { name: 'Unavailable Replicas', type: 'integer', jsonPath: '.status.unavailableReplicas' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        { name: 'Version', type: 'string', jsonPath: '.spec.version' },
        { name: 'Operation', type: 'string', jsonPath: '.status.operation.name', priority: 1 },
        { name: 'Step', type: 'string', jsonPath: '.status.operation.step', priority: 1 },
      ],
    },
    TalosControlPlaneResource,
  ),
  'v1beta1',
  'controlplane.cluster.x-k8s.io/v1beta1 TalosControlPlane is read as v1alpha3, the version the Talos control-plane provider (CACPPT) serves: write apiVersion: controlplane.cluster.x-k8s.io/v1alpha3',
);
