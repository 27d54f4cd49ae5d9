import YAML from 'yaml';
import { issueCertificate, type CertificateAndKey } from './certificates.ts';
import { pemToBase64 } from './pem.ts';
import type { SecretsBundle } from './secrets-bundle.ts';

/** Talos' TalosAPIDefaultCertificateValidityDuration: one year. */
export const talosClientCertificateValidityMs = 365 * 24 * 3_600_000;

/** Options for a Talos API client certificate. */
export interface TalosClientCertificateOptions {
  /** Validity start; the end is `validityMs` later. */
  readonly now: Date;
  /** Talos roles, carried as the certificate's Organization values. */
  readonly roles?: readonly string[];
  readonly validityMs?: number;
}

/**
 * Issues a Talos API client certificate like `talosctl gen config` does (NewAdminCertificateAndKey):
 * Ed25519, signed by the OS CA, O=<roles> (default `os:admin`), digitalSignature + clientAuth.
 */
export function issueTalosClientCertificate(bundle: SecretsBundle, options: TalosClientCertificateOptions): Promise<CertificateAndKey> {
  return issueCertificate({
    ca: bundle.certs.os,
    subject: { organizations: options.roles ?? ['os:admin'] },
    // Never later than this host's clock: a verifier that reads the wall clock would refuse a
    // certificate that starts in its future (a test clock that skips time runs ahead of it).
    notBefore: new Date(Math.min(options.now.getTime(), Date.now())),
    notAfter: new Date(options.now.getTime() + (options.validityMs ?? talosClientCertificateValidityMs)),
    keyUsages: ['digitalSignature'],
    extendedKeyUsages: ['clientAuth'],
  });
}

/** What a talosconfig context holds, PEM in, base64 out. */
export interface TalosconfigParams {
  /** Context name; talosctl uses the cluster name. */
  readonly contextName: string;
  /** Where to dial (`ip`, `host` or `host:port`; port 50000 when absent). */
  readonly endpoints: readonly string[];
  /** Default proxy targets; omitted when empty. */
  readonly nodes?: readonly string[];
  /** The OS CA certificate (PEM). */
  readonly caCrt: string;
  readonly client: CertificateAndKey;
}

/** Renders a talosconfig with one context, the format of Talos' pkg/machinery/client/config. */
export function renderTalosconfig(params: TalosconfigParams): string {
  if (params.endpoints.length === 0) throw new Error('a talosconfig needs at least one endpoint');
  const context: Record<string, unknown> = { endpoints: [...params.endpoints] };
  if (params.nodes?.length) context.nodes = [...params.nodes];
  context.ca = pemToBase64(params.caCrt);
  context.crt = pemToBase64(params.client.crt);
  context.key = pemToBase64(params.client.key);
  return YAML.stringify({ context: params.contextName, contexts: { [params.contextName]: context } }, { indent: 4, lineWidth: 0 });
}

/** A fresh admin talosconfig for the cluster: issues the client certificate, then renders. */
export async function generateTalosconfig(
  bundle: SecretsBundle,
  params: Omit<TalosconfigParams, 'caCrt' | 'client'> & TalosClientCertificateOptions,
): Promise<string> {
  const client = await issueTalosClientCertificate(bundle, params);
  return renderTalosconfig({ ...params, caCrt: bundle.certs.os.crt, client });
}
