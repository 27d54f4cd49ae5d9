import { z } from 'zod';
import { defaultVersionCatalog } from '../../../api/capi/default-version-catalog.ts';
import { durationSeconds } from '../../../api/capi/mapping/duration.ts';
import { Duration } from '../../../api/capi/meta.ts';
import { ProxmoxMachineSpec } from '../../../api/capi/proxmox-machine-template.ts';
import { parseIpv4 } from '../../../api/ipv4.ts';
import { Version } from '../../../api/versions.ts';
import { poolAddresses } from '../../../api/ipv4-pool.ts';
import { chooseVersions } from './choose-versions.ts';
import { networkProblems, workerDeploymentSuffix } from './network-problems.ts';

export { workerDeploymentSuffix };

// The deployment's name is a label value (63 at most), so the cluster's leaves room for the suffix.
const maxNameLength = 63 - workerDeploymentSuffix.length;
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const wholeNumber = z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number);
const ipv4 = z
  .string()
  .trim()
  .refine((text) => parseIpv4(text) !== undefined, 'must be an IPv4 address like 10.0.0.1');

/** Commas between items, optionally in brackets: `a,b` as flags take it, `[a, b]` as CAPMOX's variables hold it. */
export function splitList(text: string): string[] {
  return text
    .trim()
    .replace(/^\[(.*)\]$/s, '$1')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
const list = <T extends z.ZodType<unknown, string>>(item: T) =>
  z.string().transform(splitList).pipe(z.array(item).min(1, 'must name at least one'));

// Each entry is checked as the allocator reads it, which says what is wrong with it.
const poolEntry = z.string().superRefine((entry, ctx) => {
  const usable = poolAddresses({ addresses: [entry], prefix: 32 });
  if (!Array.isArray(usable)) ctx.addIssue({ code: 'custom', message: usable.message });
});

/**
 * What `capstan generate cluster` takes, as raw text from flags or clusterctl variables; parsing
 * gives the typed options the renderers take. Every check that can name a flag is here, so the
 * manifests that come out pass Capstan's mapping without an error or a warning.
 */
export const GenerateClusterOptions = z
  .object({
    name: z
      .string()
      .max(
        maxNameLength,
        `must be at most ${maxNameLength} characters: the MachineDeployment <name>${workerDeploymentSuffix} is a label value (63 at most)`,
      )
      .regex(dnsLabel, 'must be a DNS-1123 label: lowercase letters, digits and -, starting and ending with a letter or digit'),
    namespace: z.string().max(63, 'must be at most 63 characters').regex(dnsLabel, 'must be a DNS-1123 label'),
    /** The ClusterClass the topology flavor writes (and its Cluster names); the plain flavor ignores it. */
    className: z.string().max(63, 'must be at most 63 characters').regex(dnsLabel, 'must be a DNS-1123 label'),
    kubernetesVersion: Version.optional(),
    talosVersion: Version.optional(),
    controlPlaneMachineCount: wholeNumber.pipe(
      z.number().refine((n) => [1, 3, 5, 7].includes(n), 'must be 1, 3, 5 or 7: etcd needs an odd number of members to keep a majority'),
    ),
    workerMachineCount: wholeNumber,
    sourceNode: z.string().trim().min(1, 'must name a node'),
    templateVmid: wholeNumber.pipe(z.number().min(100, 'must be at least 100: Proxmox VE numbers guests from 100')),
    // CAPMOX's templates default ALLOWED_NODES to [], so an empty list means "not given".
    allowedNodes: z.string().transform(splitList).optional(),
    controlPlaneEndpointIp: ipv4,
    controlPlaneEndpointPort: wholeNumber.pipe(z.number().min(1, 'must be from 1 to 65535').max(65535, 'must be from 1 to 65535')),
    /** A load balancer of the user's answers at the endpoint, so the control planes announce no VIP. */
    externalLoadBalancer: z.boolean(),
    nodeIpRanges: list(poolEntry),
    gateway: ipv4,
    ipPrefix: wholeNumber.pipe(z.number().min(1, 'must be from 1 to 32').max(32, 'must be from 1 to 32')),
    dnsServers: list(ipv4),
    bridge: z.string().trim().min(1, 'must name a bridge'),
    bootVolumeDevice: z.literal('scsi0', "must be scsi0: Capstan resizes the template's scsi0 disk"),
    bootVolumeSize: wholeNumber.pipe(z.number().min(10, 'must be at least 10 GB: Talos needs room for its install and the images')),
    numSockets: wholeNumber.pipe(z.number().min(1, 'must be at least 1')),
    numCores: wholeNumber.pipe(z.number().min(1, 'must be at least 1')),
    // The template schema's own rule, so its message (and a change to it) reaches the flag.
    memoryMib: wholeNumber.pipe(ProxmoxMachineSpec.shape.memoryMiB.unwrap()),
    nodeDrainTimeout: Duration.refine(
      (text) => durationSeconds(text) !== 0,
      'must be above 0: Capstan bounds every drain (leave the flag out for its 10m)',
    ).optional(),
  })
  // A transform runs only once every field parsed, so the checks across fields see valid values.
  .transform((o, ctx) => {
    const versions = chooseVersions(defaultVersionCatalog, { kubernetes: o.kubernetesVersion, talos: o.talosVersion });
    const problems = [...networkProblems(o), ...('key' in versions ? [versions] : [])];
    for (const { key, message } of problems) ctx.addIssue({ code: 'custom', path: [key], message });
    if ('key' in versions || problems.length > 0) return z.NEVER;
    // `versions` is what to render; kubernetesVersion and talosVersion stay as asked (maybe absent).
    // An empty allowedNodes makes the mapping fall back to the source node with a warning; say it outright.
    const allowedNodes = o.allowedNodes !== undefined && o.allowedNodes.length > 0 ? o.allowedNodes : [o.sourceNode];
    return { ...o, allowedNodes, versions };
  });

/** The validated options the renderers take. */
export type GenerateClusterOptions = z.output<typeof GenerateClusterOptions>;
