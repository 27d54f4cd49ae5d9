import { z } from 'zod';
import { defineCrd } from '../crd/define-crd.ts';
import { capiCategory, controlPlaneGroup, controlPlaneVersion } from './groups.ts';
import { ObjectEnvelope, TemplateMeta } from './meta.ts';
import { TalosControlPlaneSpec } from './talos-control-plane.ts';

/**
 * What a TalosControlPlane made from a ClusterClass gets from its template: everything but the
 * fields the topology owns (replicas and version from `Cluster.spec.topology`, the machine
 * template from the class's `controlPlane.machineInfrastructure`). CACPPT ships no such kind,
 * which is why its users cannot use ClusterClass; Capstan serves one under CACPPT's group.
 */
export const TalosControlPlaneTemplateResourceSpec = TalosControlPlaneSpec.omit({
  replicas: true,
  version: true,
  infrastructureTemplate: true,
});

/** `controlplane.cluster.x-k8s.io/v1alpha3` TalosControlPlaneTemplate spec. */
export const TalosControlPlaneTemplateSpec = z.object({
  template: z.object({ metadata: TemplateMeta.optional(), spec: TalosControlPlaneTemplateResourceSpec }),
});
export type TalosControlPlaneTemplateSpec = z.infer<typeof TalosControlPlaneTemplateSpec>;

/** The object as the API server stores it (templates have no status). */
export const TalosControlPlaneTemplateResource = z.object({ spec: TalosControlPlaneTemplateSpec });

/** A TalosControlPlaneTemplate as read from the API server or a manifest. */
export const TalosControlPlaneTemplate = TalosControlPlaneTemplateResource.extend(ObjectEnvelope);
export type TalosControlPlaneTemplate = z.infer<typeof TalosControlPlaneTemplate>;

/** The TalosControlPlaneTemplate CRD. */
export const talosControlPlaneTemplateCrd = defineCrd(
  {
    group: controlPlaneGroup,
    version: controlPlaneVersion,
    kind: 'TalosControlPlaneTemplate',
    plural: 'taloscontrolplanetemplates',
    singular: 'taloscontrolplanetemplate',
    categories: [capiCategory],
    printerColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
  },
  TalosControlPlaneTemplateResource,
);
