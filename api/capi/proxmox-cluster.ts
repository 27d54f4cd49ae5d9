import { z } from 'zod';
import { withAliasVersion } from '../crd/alias-version.ts';
import { defineCrd } from '../crd/define-crd.ts';
import { Conditions } from './conditions.ts';
import { capiCategory, infrastructureGroup, infrastructureVersion } from './groups.ts';
import { ApiEndpoint, ObjectEnvelope } from './meta.ts';

/** CAPMOX's IPConfigSpec: the addresses machines get, as ranges, CIDRs or single addresses. */
export const IpConfig = z.object({
  addresses: z.array(z.string().min(1)).min(1),
  prefix: z.number().int().min(1).max(128),
  gateway: z.string().optional(),
  metric: z.number().int().min(0).optional(),
});

/** `infrastructure.cluster.x-k8s.io/v1alpha1` ProxmoxCluster spec (CAPMOX's field names). */
export const ProxmoxClusterSpec = z.object({
  /** The Kubernetes API address; Capstan reserves one from `ipv4Config` when the host is empty. */
  controlPlaneEndpoint: ApiEndpoint.optional(),
  /** The Proxmox VE nodes VMs may be placed on. */
  allowedNodes: z.array(z.string().min(1)).optional(),
  /** CAPMOX's placement weights: Capstan places VMs by free memory, so unsupported. */
  schedulerHints: z
    .object({
      memoryAdjustment: z.number().int().min(0).optional(),
      cpuAdjustment: z.number().int().min(0).optional(),
      preferLowerGuestCount: z.boolean().optional(),
    })
    .optional(),
  ipv4Config: IpConfig.optional(),
  /** IPv6 pools: Capstan gives machines IPv4 addresses only, so unsupported. */
  ipv6Config: IpConfig.optional(),
  dnsServers: z.array(z.string().min(1)).min(1),
  /** CAPMOX's clusterctl-generation helper; unsupported. */
  cloneSpec: z.looseObject({}).optional(),
  /**
   * The Secret holding this cluster's Proxmox API token, with CAPMOX's keys (`url`, `token`,
   * `secret`, optional `root_ca` and `insecure`); in the ProxmoxCluster's namespace unless
   * `namespace` is set. Without it, the worker's own PROXMOX_* settings are used.
   */
  credentialsRef: z.object({ name: z.string().min(1), namespace: z.string().optional() }).optional(),
  externalManagedControlPlane: z.boolean().optional(),
});
export type ProxmoxClusterSpec = z.infer<typeof ProxmoxClusterSpec>;

/** ProxmoxCluster status (CAPMOX's fields). */
export const ProxmoxClusterStatus = z.object({
  ready: z.boolean().optional(),
  inClusterIpPoolRef: z.array(z.object({ name: z.string() })).optional(),
  nodeLocations: z.looseObject({}).optional(),
  conditions: Conditions.optional(),
});

/** The object as the API server stores it (the CRD's schema). */
export const ProxmoxClusterResource = z.object({ spec: ProxmoxClusterSpec, status: ProxmoxClusterStatus.optional() });

/** A ProxmoxCluster as read from the API server or a manifest. */
export const ProxmoxCluster = ProxmoxClusterResource.extend(ObjectEnvelope);
export type ProxmoxCluster = z.infer<typeof ProxmoxCluster>;

/** The ProxmoxCluster CRD, with CAPMOX's columns. */
export const proxmoxClusterCrd = withAliasVersion(
  defineCrd(
    {
      group: infrastructureGroup,
      version: infrastructureVersion,
      kind: 'ProxmoxCluster',
      plural: 'proxmoxclusters',
      singular: 'proxmoxcluster',
      categories: [capiCategory],
      printerColumns: [
        { name: 'Cluster', type: 'string', jsonPath: ".metadata.labels['cluster\\.x-k8s\\.io/cluster-name']" },
        { name: 'Ready', type: 'string', jsonPath: '.status.ready' },
        { name: 'Endpoint', type: 'string', jsonPath: '.spec.controlPlaneEndpoint' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    },
    ProxmoxClusterResource,
  ),
  'v1beta1',
  'infrastructure.cluster.x-k8s.io/v1beta1 ProxmoxCluster is read as v1alpha1, the version of the Proxmox provider (CAPMOX): write apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1',
);
