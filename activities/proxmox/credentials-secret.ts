import { X509Certificate } from 'node:crypto';
import { ErrorType } from '../../api/errors.ts';
import { ProxmoxCredentialsKey as Key, type ProxmoxCredentialsRef } from '../../api/proxmox-credentials.ts';
import { failure } from '../failure.ts';
import type { ProxmoxConnection } from './proxmox-client.ts';

// CAPMOX's true-ish values of `insecure` (pkg/scope/cluster.go); anything unclear is refused rather than guessed.
const trueish = ['1', 'on', 'true', 'yes', 'y'];
const falseish = ['', '0', 'off', 'false', 'no', 'n'];
const tokenIdPattern = /^[^@\s]+@[^!\s]+![^=\s]+$/;

/** `Secret default/pve`: how messages name the credentials Secret. */
export function describeCredentials(ref: ProxmoxCredentialsRef): string {
  return `Secret ${ref.namespace}/${ref.name}`;
}

/**
 * The connection a credentials Secret describes (its `data`, base64 as the API returns it). Every
 * problem is reported at once, naming the Secret and the key, as a non-retryable failure: only a
 * corrected Secret helps. `url` is PVE's address as CAPMOX takes it (`https://pve.example:8006`);
 * `/api2/json` is added unless it is already there. Unlike CAPMOX's legacy default, a Secret
 * without `insecure` verifies the certificate: skipping it must be asked for.
 */
export function connectionFromSecret(ref: ProxmoxCredentialsRef, data: Readonly<Record<string, string>> | undefined): ProxmoxConnection {
  const read = (key: string): string | undefined => {
    const encoded = data?.[key];
    return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8').trim();
  };
  const problems: string[] = [];
  const required = (key: string, what: string): string | undefined => {
    const value = read(key);
    if (value === undefined || value === '')
      problems.push(`key "${key}" is ${value === undefined ? 'missing' : 'empty'}: set it to ${what}`);
    return value === '' ? undefined : value;
  };
  const url = required(Key.url, "the Proxmox VE API's address, e.g. https://pve.example.lan:8006");
  const tokenId = required(Key.token, 'the API token id, USER@REALM!TOKENID (e.g. capstan@pve!capstan)');
  const tokenSecret = required(Key.secret, "the API token's secret (the UUID Proxmox showed when the token was made)");

  const baseUrl = url === undefined ? undefined : apiBaseUrl(url);
  if (url !== undefined && baseUrl === undefined)
    problems.push(
      `key "${Key.url}" is not an https:// URL (${url}): set it to the Proxmox VE API's address, e.g. https://pve.example.lan:8006`,
    );
  if (tokenId !== undefined && !tokenIdPattern.test(tokenId))
    problems.push(`key "${Key.token}" is not an API token id (${tokenId}): set it to USER@REALM!TOKENID, e.g. capstan@pve!capstan`);
  if (tokenSecret !== undefined && /\s/.test(tokenSecret))
    problems.push(`key "${Key.secret}" contains whitespace: set it to the token's secret alone`);
  const caPem = read(Key.rootCa) || undefined; // an empty key is no CA, as in CAPMOX
  if (caPem !== undefined && !isCertificate(caPem))
    problems.push(
      `key "${Key.rootCa}" is not a PEM certificate: set it to the CA that signed Proxmox VE's certificate (-----BEGIN CERTIFICATE----- …)`,
    );
  const insecure = read(Key.insecure)?.toLowerCase();
  if (insecure !== undefined && !trueish.includes(insecure) && !falseish.includes(insecure))
    problems.push(`key "${Key.insecure}" is neither true nor false (${insecure}): remove it to verify Proxmox VE's certificate`);

  if (problems.length > 0 || baseUrl === undefined || tokenId === undefined || tokenSecret === undefined) {
    throw failure(
      ErrorType.ProxmoxCredentialsInvalid,
      `${describeCredentials(ref)} (the ProxmoxCluster's spec.credentialsRef) cannot be used: ${problems.join('; ')}`,
    );
  }
  return {
    baseUrl,
    tokenId,
    tokenSecret,
    ...(caPem === undefined ? {} : { caPem }),
    ...(insecure !== undefined && trueish.includes(insecure) ? { insecureSkipTlsVerify: true } : {}),
    tokenSource: `${describeCredentials(ref)} (keys "${Key.token}" and "${Key.secret}")`,
    trustRemedy:
      `Put the CA that signed it under key "${Key.rootCa}" of ${describeCredentials(ref)} (on Proxmox VE it is ` +
      `/etc/pve/pve-root-ca.pem, unless the node uses a certificate of your own CA); or, for a lab only, set its key "${Key.insecure}" to "true".`,
  };
}

// CAPMOX joins api2/json to the address; an address that already ends with it is taken as it is. HTTPS only.
function apiBaseUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  // pveproxy answers plain HTTP only with a redirect; following it would first send the token in the clear.
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '') return undefined;
  const base = url.toString().replace(/\/+$/, '');
  return base.endsWith('/api2/json') ? base : `${base}/api2/json`;
}

function isCertificate(pem: string): boolean {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return false;
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
