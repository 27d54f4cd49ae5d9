// MachineService.Kubeconfig: an admin kubeconfig made from the node's machine config (Kubernetes
// CA + control-plane endpoint), packed the way Talos streams it: a .tar.gz holding `kubeconfig`.
import { stringify } from 'yaml';
import type { SimMachineConfig } from '../config/machine-config.ts';
import { rpcError } from '../core/rpc-error.ts';
import { issueCertificate } from '../pki/issue-certificate.ts';
import { tarGz } from './tar-gz.ts';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * The kubeconfig YAML, in the layout of Talos' pkg/kubeconfig template. Every call issues a new
 * client certificate valid for a year from `now` (`cluster.adminKubeconfig.certLifetime`'s default).
 */
export async function adminKubeconfig(config: SimMachineConfig, now: number): Promise<string> {
  const caKey = config.k8sCa.keyPem;
  if (caKey === undefined) throw rpcError.unimplemented('kubeconfig is only available on control plane nodes');
  const client = await issueCertificate(
    { certPem: config.k8sCa.certPem, keyPem: caKey },
    { commonName: 'admin', organizations: ['system:masters'], usage: 'client', issuedAt: now },
  );
  const name = config.clusterName ?? 'talos';
  const user = `admin@${name}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: config.endpoint, 'certificate-authority-data': b64(config.k8sCa.certPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(client.certPem), 'client-key-data': b64(client.keyPem) } }],
    contexts: [{ context: { cluster: name, namespace: 'default', user }, name: user }],
    'current-context': user,
  });
}

/** The bytes of the one common.Data message Kubeconfig streams. */
export async function kubeconfigArchive(config: SimMachineConfig, now: number): Promise<Buffer> {
  const yaml = await adminKubeconfig(config, now);
  return tarGz([{ name: 'kubeconfig', mode: 0o600, content: Buffer.from(yaml, 'utf8') }]);
}
