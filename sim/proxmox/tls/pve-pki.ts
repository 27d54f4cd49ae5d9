// The certificates pveproxy serves, made the way pve-cluster's PVE::Cluster::Setup makes them
// (gen_pveca_cert, gen_pve_ssl_cert): a cluster CA, self-signed, subject
// "CN=Proxmox Virtual Environment, OU=<uuid>, O=PVE Cluster Manager CA", ten years, back-dated a
// day; and a node certificate it signs, RSA 2048, "OU=PVE Cluster Node, O=Proxmox Virtual
// Environment, CN=<node>", CA:FALSE, extendedKeyUsage serverAuth, subjectAltName
// IP:127.0.0.1, IP:::1, DNS:localhost, IP:<node address>, DNS:<node>. PVE gives its CA an RSA
// 4096 key; the simulator's is RSA 2048 like the node's, as no client looks at the size and a
// 4096-bit key costs every test process seconds to make.
import { createPrivateKey, KeyObject, randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { x509 } from '../../common/x509.ts';

/** A certificate and its private key, both PEM. */
export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

const rsa = (modulusLength: number): webcrypto.RsaHashedKeyGenParams => ({
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
});
const signing = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const dayMs = 24 * 3_600_000;

// RSA keys take a while to generate and tests start many simulators, so a process makes its two
// key pairs once. Every CA still gets its own subject (a fresh OU uuid), so a client that
// trusts one simulator's CA does not trust another's.
let processKeys: Promise<{ ca: webcrypto.CryptoKeyPair; node: webcrypto.CryptoKeyPair }> | undefined;
function keys(): Promise<{ ca: webcrypto.CryptoKeyPair; node: webcrypto.CryptoKeyPair }> {
  processKeys ??= (async () => {
    const subtle = globalThis.crypto.subtle;
    const [ca, node] = await Promise.all([
      subtle.generateKey(rsa(2048), true, ['sign', 'verify']),
      subtle.generateKey(rsa(2048), true, ['sign', 'verify']),
    ]);
    return { ca, node };
  })();
  return processKeys;
}

function keyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

// `openssl x509 -req` with a serial file; any positive 16-byte number serves.
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** A new cluster CA (the simulated /etc/pve/pve-root-ca.pem and priv/pve-root-ca.key). */
export async function createPveCa(): Promise<PemPair> {
  const { ca } = await keys();
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: ['Proxmox Virtual Environment'] }, { OU: [randomUUID()] }, { O: ['PVE Cluster Manager CA'] }],
    // gen_pveca_cert runs openssl under `faketime yesterday`.
    notBefore: new Date(now - dayMs),
    notAfter: new Date(now - dayMs + 3650 * dayMs),
    signingAlgorithm: signing,
    keys: ca,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), await x509.SubjectKeyIdentifierExtension.create(ca.publicKey)],
  });
  return { certPem: `${certificate.toString('pem')}\n`, keyPem: keyPem(ca.privateKey) };
}

/** What the node certificate names: the node and the address the simulator listens on. */
export interface NodeCertificateSubject {
  readonly nodeName: string;
  readonly address: string;
}

/** The node certificate pveproxy serves (the simulated nodes/<node>/pve-ssl.pem and .key), signed by `ca`. */
export async function issueNodeCertificate(ca: PemPair, subject: NodeCertificateSubject): Promise<PemPair> {
  const { node } = await keys();
  const caKey = await globalThis.crypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' }),
    signing,
    false,
    ['sign'],
  );
  const caCert = new x509.X509Certificate(ca.certPem);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: [{ OU: ['PVE Cluster Node'] }, { O: ['Proxmox Virtual Environment'] }, { CN: [subject.nodeName] }],
    issuer: caCert.subjectName,
    notBefore: new Date(now - dayMs),
    notAfter: new Date(now + 2 * 365 * dayMs),
    signingAlgorithm: signing,
    publicKey: node.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, false),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(subjectAltNames(subject)),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: `${certificate.toString('pem')}\n`, keyPem: keyPem(node.privateKey) };
}

function subjectAltNames(subject: NodeCertificateSubject): x509.JsonGeneralName[] {
  const names: x509.JsonGeneralName[] = [
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
    { type: 'dns', value: 'localhost' },
  ];
  if (/^[\d.]+$|:/.test(subject.address) && !['127.0.0.1', '::1'].includes(subject.address)) {
    names.push({ type: 'ip', value: subject.address });
  }
  names.push({ type: 'dns', value: subject.nodeName });
  return names;
}
