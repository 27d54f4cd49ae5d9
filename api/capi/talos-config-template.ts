import { z } from 'zod';
import { defineCrd } from '../crd/define-crd.ts';
import { bootstrapGroup, bootstrapVersion, capiCategory } from './groups.ts';
import { ObjectEnvelope, TemplateMeta } from './meta.ts';
import { TalosConfigSpec } from './talos-config-spec.ts';

/** `bootstrap.cluster.x-k8s.io/v1alpha3` TalosConfigTemplate spec: the worker config of a MachineDeployment. */
export const TalosConfigTemplateSpec = z.object({
  template: z.object({ metadata: TemplateMeta.optional(), spec: TalosConfigSpec }),
});
export type TalosConfigTemplateSpec = z.infer<typeof TalosConfigTemplateSpec>;

/** The object as the API server stores it (templates have no status). */
export const TalosConfigTemplateResource = z.object({ spec: TalosConfigTemplateSpec });

/** A TalosConfigTemplate as read from the API server or a manifest. */
export const TalosConfigTemplate = TalosConfigTemplateResource.extend(ObjectEnvelope);
export type TalosConfigTemplate = z.infer<typeof TalosConfigTemplate>;

/** The TalosConfigTemplate CRD. */
export const talosConfigTemplateCrd = defineCrd(
  {
    group: bootstrapGroup,
    version: bootstrapVersion,
    kind: 'TalosConfigTemplate',
    plural: 'talosconfigtemplates',
    singular: 'talosconfigtemplate',
    categories: [capiCategory],
    printerColumns: [
      { name: 'Type', type: 'string', jsonPath: '.spec.template.spec.generateType' },
      { name: 'Talos', type: 'string', jsonPath: '.spec.template.spec.talosVersion' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  },
  TalosConfigTemplateResource,
);
