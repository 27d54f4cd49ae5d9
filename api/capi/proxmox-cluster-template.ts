import { z } from 'zod';
import { defineCrd } from '../crd/define-crd.ts';
import { capiCategory, infrastructureGroup, infrastructureVersion } from './groups.ts';
import { ObjectEnvelope, TemplateMeta } from './meta.ts';
import { ProxmoxClusterSpec } from './proxmox-cluster.ts';

/** `infrastructure.cluster.x-k8s.io/v1alpha1` ProxmoxClusterTemplate spec (CAPMOX's): a ClusterClass's infrastructure. */
export const ProxmoxClusterTemplateSpec = z.object({
  template: z.object({ metadata: TemplateMeta.optional(), spec: ProxmoxClusterSpec }),
});
export type ProxmoxClusterTemplateSpec = z.infer<typeof ProxmoxClusterTemplateSpec>;

/** The object as the API server stores it (templates have no status). */
export const ProxmoxClusterTemplateResource = z.object({ spec: ProxmoxClusterTemplateSpec });

/** A ProxmoxClusterTemplate as read from the API server or a manifest. */
export const ProxmoxClusterTemplate = ProxmoxClusterTemplateResource.extend(ObjectEnvelope);
export type ProxmoxClusterTemplate = z.infer<typeof ProxmoxClusterTemplate>;

/** The ProxmoxClusterTemplate CRD. */
export const proxmoxClusterTemplateCrd = defineCrd(
  {
    group: infrastructureGroup,
    version: infrastructureVersion,
    kind: 'ProxmoxClusterTemplate',
    plural: 'proxmoxclustertemplates',
    singular: 'proxmoxclustertemplate',
    categories: [capiCategory],
    printerColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
  },
  ProxmoxClusterTemplateResource,
);
