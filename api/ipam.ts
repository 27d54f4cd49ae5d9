import { z } from 'zod';
import { boundedName } from './bounded-name.ts';
import { defineCrd } from './crd/define-crd.ts';

/**
 * A ProxmoxCluster's IPv4 pool, as CAPMOX users write it: `addresses` holds ranges
 * (`10.0.0.10-10.0.0.50`), CIDRs (`10.0.1.0/28`) or single addresses.
 */
export const Ipv4PoolSpec = z.object({
  addresses: z.array(z.string().min(1)).min(1),
  prefix: z.number().int().min(1).max(32),
  gateway: z.ipv4().optional(),
  dnsServers: z.array(z.ipv4()).default([]),
});
export type Ipv4PoolSpec = z.infer<typeof Ipv4PoolSpec>;
export type Ipv4PoolSpecInput = z.input<typeof Ipv4PoolSpec>;

/**
 * The owner of a cluster's control-plane endpoint address: `<cluster>-control-plane-endpoint`, cut
 * with a hash when longer than a label value may be (it labels the address it holds).
 */
export const endpointClaimName = (cluster: string): string => boundedName(cluster, '-control-plane-endpoint');

/** CAPI's IPAM contract group: users' tooling already knows these kinds. */
export const ipamGroup = 'ipam.cluster.x-k8s.io';
export const ipamVersion = 'v1beta1';

const LocalObjectRef = z.object({ name: z.string() });
const TypedRef = z.object({ apiGroup: z.string(), kind: z.string(), name: z.string() });

/** An address request of one owner (a machine, or a cluster's control-plane endpoint). */
export const IpAddressClaimObject = z.object({
  spec: z.object({ poolRef: TypedRef }),
  status: z.object({ addressRef: LocalObjectRef.optional() }).optional(),
});

/** One handed-out address; its name is derived from the address, so no address exists twice. */
export const IpAddressObject = z.object({
  spec: z.object({
    address: z.ipv4(),
    prefix: z.number().int().min(1).max(32),
    gateway: z.ipv4().optional(),
    claimRef: LocalObjectRef,
    poolRef: TypedRef,
  }),
});
export type IpAddressSpec = z.infer<typeof IpAddressObject>['spec'];

/** The CRDs the IPAM activities need in the management cluster. */
export const ipamCrds = [
  defineCrd(
    {
      group: ipamGroup,
      version: ipamVersion,
      kind: 'IPAddressClaim',
      plural: 'ipaddressclaims',
      singular: 'ipaddressclaim',
      printerColumns: [{ name: 'Address', type: 'string', jsonPath: '.status.addressRef.name' }],
    },
    IpAddressClaimObject,
  ),
  defineCrd(
    {
      group: ipamGroup,
      version: ipamVersion,
      kind: 'IPAddress',
      plural: 'ipaddresses',
      singular: 'ipaddress',
      printerColumns: [
        { name: 'Address', type: 'string', jsonPath: '.spec.address' },
        { name: 'Claim', type: 'string', jsonPath: '.spec.claimRef.name' },
        { name: 'Pool', type: 'string', jsonPath: '.spec.poolRef.name' },
      ],
    },
    IpAddressObject,
  ),
];
