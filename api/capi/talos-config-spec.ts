import { z } from 'zod';
import { AnyJson } from './meta.ts';

/** A Talos version as CABPT takes it: `v1.11` (the config contract) or `v1.11.5`. */
export const TalosVersionField = z.string().regex(/^v\d+\.\d+(\.\d+)?$/, 'must look like v1.11 or v1.11.5');

/** One RFC 6902 operation of CABPT's `configPatches`; `value` is any JSON. */
export const ConfigPatch = z.object({
  op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
  path: z.string().startsWith('/', 'must be a JSON pointer like /machine/install/disk'),
  from: z.string().optional(),
  value: AnyJson.optional(),
});
export type ConfigPatch = z.infer<typeof ConfigPatch>;

/**
 * CABPT's TalosConfigSpec (`bootstrap.cluster.x-k8s.io/v1alpha3`), shared by TalosConfigTemplate
 * and TalosControlPlane's `controlPlaneConfig`.
 */
export const TalosConfigSpec = z.object({
  talosVersion: TalosVersionField.optional(),
  /** `controlplane` or `worker`; `init` is deprecated and `none` means hand-written `data`. */
  generateType: z.enum(['controlplane', 'worker', 'init', 'none']),
  /** A complete machine config for `generateType: none`: Capstan renders configs itself. */
  data: z.string().optional(),
  configPatches: z.array(ConfigPatch).optional(),
  /** Partial machine configs (YAML), merged the Talos way. */
  strategicPatches: z.array(z.string()).optional(),
  /** Capstan names every node after its Machine, whatever the source. */
  hostname: z.object({ source: z.enum(['MachineName', 'InfrastructureName']).optional() }).optional(),
  /** Go-template variables for patches: Capstan applies patches as written, so unsupported. */
  variables: z.array(z.looseObject({ name: z.string() })).optional(),
});
export type TalosConfigSpec = z.infer<typeof TalosConfigSpec>;
