// The simulator's CA and node certificate: made at the first start and kept in the state folder
// (as PVE keeps them in /etc/pve), so a restart serves the same CA and clients keep trusting it.
// Without a state folder they live in memory for one run.
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPveCa, issueNodeCertificate, type NodeCertificateSubject, type PemPair } from './pve-pki.ts';

/** What the HTTPS listener serves and what clients must trust. */
export interface PveTls {
  readonly ca: PemPair;
  readonly node: PemPair;
  /** Where the CA certificate is, when it is kept on disk. */
  readonly caFile?: string;
}

/** File names as PVE has them (pve-root-ca.pem, priv/pve-root-ca.key, local/pve-ssl.pem|key), flattened. */
export const pveTlsFiles = {
  caCert: 'pve-root-ca.pem',
  caKey: 'pve-root-ca.key',
  nodeCert: 'pve-ssl.pem',
  nodeKey: 'pve-ssl.key',
} as const;

/** Loads the CA and node certificate from `dir`, making whatever is missing or no longer fits. */
export async function pveTls(dir: string | undefined, subject: NodeCertificateSubject): Promise<PveTls> {
  if (dir === undefined) {
    const ca = await createPveCa();
    return { ca, node: await issueNodeCertificate(ca, subject) };
  }
  const path = (name: string): string => join(dir, name);
  let ca = readPair(path(pveTlsFiles.caCert), path(pveTlsFiles.caKey));
  if (ca === undefined) {
    ca = await createPveCa();
    writePair(path(pveTlsFiles.caCert), path(pveTlsFiles.caKey), ca, dir);
  }
  const [nodeCert, nodeKey] = [path(pveTlsFiles.nodeCert), path(pveTlsFiles.nodeKey)];
  let node = existsSync(nodeCert) && existsSync(nodeKey) ? readPair(nodeCert, nodeKey) : undefined;
  // Like `pvecm updatecerts`: a node certificate that is missing, from another CA, for another
  // address, or near its end is issued again; the CA stays.
  if (node === undefined || !fits(node, ca, subject)) {
    node = await issueNodeCertificate(ca, subject);
    writePair(nodeCert, nodeKey, node, dir);
  }
  return { ca, node, caFile: path(pveTlsFiles.caCert) };
}

function readPair(certFile: string, keyFile: string): PemPair | undefined {
  const haveCert = existsSync(certFile);
  const haveKey = existsSync(keyFile);
  if (!haveCert && !haveKey) return undefined;
  if (!haveCert || !haveKey) {
    throw new Error(
      `proxmox sim: ${haveCert ? keyFile : certFile} is missing while ${haveCert ? certFile : keyFile} exists; restore it, or remove both to make new ones (clients must then trust the new CA)`,
    );
  }
  const pair = { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') };
  try {
    new X509Certificate(pair.certPem);
  } catch (error) {
    throw new Error(`proxmox sim: ${certFile} is not a PEM certificate (${String(error)}); remove it and ${keyFile} to make new ones`, {
      cause: error,
    });
  }
  return pair;
}

const renewBeforeMs = 30 * 24 * 3_600_000;

function fits(node: PemPair, ca: PemPair, subject: NodeCertificateSubject): boolean {
  const cert = new X509Certificate(node.certPem);
  const caCert = new X509Certificate(ca.certPem);
  const address = subject.address === 'localhost' ? cert.checkHost('localhost') : cert.checkIP(subject.address);
  return (
    cert.checkIssued(caCert) &&
    cert.verify(caCert.publicKey) &&
    address !== undefined &&
    Date.parse(cert.validTo) - Date.now() > renewBeforeMs
  );
}

// Written beside their final names and renamed, so a cut-short start never leaves half a pair;
// keys are readable by their owner only, as under /etc/pve/priv.
function writePair(certFile: string, keyFile: string, pair: PemPair, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const write = (file: string, text: string, mode: number): void => {
    const temp = `${file}.tmp-${process.pid}`;
    writeFileSync(temp, text, { mode });
    chmodSync(temp, mode);
    renameSync(temp, file);
  };
  write(keyFile, pair.keyPem, 0o600);
  write(certFile, pair.certPem, 0o644);
}
