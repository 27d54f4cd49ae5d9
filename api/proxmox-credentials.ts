import { z } from 'zod';

/**
 * The Secret a ProxmoxCluster's `spec.credentialsRef` names, with its namespace filled in (the
 * ProxmoxCluster's when the reference has none, as CAPMOX does). Workflows pass only this
 * reference to activities; the token is read from the Secret at activity time.
 */
export const ProxmoxCredentialsRef = z.object({ namespace: z.string().min(1), name: z.string().min(1) });
export type ProxmoxCredentialsRef = z.infer<typeof ProxmoxCredentialsRef>;

/**
 * The keys of the credentials Secret, as the Proxmox CAPI provider (CAPMOX, `pkg/scope/cluster.go`)
 * reads them, so one Secret serves both: `url` (`https://pve.example:8006`), `token`
 * (`USER@REALM!TOKENID`), `secret` (the token's UUID), optional `root_ca` (PEM of the CA that signed
 * PVE's certificate) and optional `insecure` (a true-ish value skips certificate verification).
 */
export const ProxmoxCredentialsKey = {
  url: 'url',
  token: 'token',
  secret: 'secret',
  rootCa: 'root_ca',
  insecure: 'insecure',
} as const;

/** The cluster's credentials Secret, or undefined when the worker's own Proxmox settings apply. */
export function proxmoxCredentialsOf(desired: {
  readonly namespace: string;
  readonly proxmox: { readonly credentialsRef?: { readonly name: string; readonly namespace?: string | undefined } | undefined };
}): ProxmoxCredentialsRef | undefined {
  const ref = desired.proxmox.credentialsRef;
  return ref === undefined ? undefined : { namespace: ref.namespace ?? desired.namespace, name: ref.name };
}
