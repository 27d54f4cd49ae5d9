import { z } from 'zod';
import { base64ToPem, pemLabel } from './pem.ts';
import { tokenPattern } from './random-secrets.ts';

// Loose objects throughout: patches may set any Talos field; we check the ones Capstan relies on.
const ip = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IP address' });
const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: 'must be a CIDR' });
const token = z.string().regex(tokenPattern, 'must look like abcdef.0123456789abcdef');

function base64Pem(kind: 'certificate' | 'private key') {
  return z.string().refine((value) => {
    try {
      const label = pemLabel(base64ToPem(value));
      return kind === 'certificate' ? label === 'CERTIFICATE' : label?.endsWith('PRIVATE KEY') === true;
    } catch {
      return false;
    }
  }, `must be base64 of a PEM ${kind}`);
}
const certificate = base64Pem('certificate');
const privateKey = base64Pem('private key');
/** `{crt, key}` with both halves; workers' copies have `key: ""`. */
const caWithKey = z.looseObject({ crt: certificate, key: privateKey });
const caCertificateOnly = z.looseObject({ crt: certificate, key: z.union([z.literal(''), privateKey]).optional() });

const networkInterface = z
  .looseObject({
    interface: z.string().min(1).optional(),
    deviceSelector: z.record(z.string(), z.unknown()).optional(),
    addresses: z.array(cidr.or(ip)).optional(),
    routes: z.array(z.looseObject({ network: cidr, gateway: ip.optional() })).optional(),
    dhcp: z.boolean().optional(),
    vip: z.looseObject({ ip }).optional(),
  })
  .refine((device) => (device.interface === undefined) !== (device.deviceSelector === undefined), {
    error: 'set exactly one of interface or deviceSelector',
  });

const machine = z.looseObject({
  type: z.enum(['controlplane', 'worker']),
  token,
  ca: caCertificateOnly,
  certSANs: z.array(z.string().min(1)),
  kubelet: z.looseObject({ image: z.string().min(1).optional() }).optional(),
  network: z
    .looseObject({
      hostname: z.string().min(1).optional(),
      interfaces: z.array(networkInterface).optional(),
      nameservers: z.array(ip).optional(),
    })
    .optional(),
  install: z
    .looseObject({ disk: z.string().min(1).optional(), image: z.string().min(1).optional(), wipe: z.boolean().optional() })
    .optional(),
});

const cluster = z.looseObject({
  id: z.string().min(1).optional(),
  secret: z.string().min(1).optional(),
  controlPlane: z.looseObject({ endpoint: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }) }),
  clusterName: z.string().min(1).optional(),
  network: z.looseObject({ dnsDomain: z.string().min(1), podSubnets: z.array(cidr).min(1), serviceSubnets: z.array(cidr).min(1) }),
  token,
  secretboxEncryptionSecret: z.string().min(1).optional(),
  ca: caCertificateOnly,
  aggregatorCA: caWithKey.optional(),
  serviceAccount: z.looseObject({ key: privateKey }).optional(),
  apiServer: z.looseObject({ image: z.string().min(1).optional(), certSANs: z.array(z.string().min(1)).optional() }).optional(),
  etcd: z.looseObject({ ca: caWithKey }).optional(),
});

/** The v1alpha1 document, as far as Capstan reads it; control-plane configs must carry every CA key. */
export const V1alpha1Config = z
  .looseObject({ version: z.literal('v1alpha1'), debug: z.boolean().optional(), persist: z.boolean().optional(), machine, cluster })
  .superRefine((config, ctx) => {
    if (config.machine.type !== 'controlplane') return;
    const require = (present: boolean, path: string[], what: string) => {
      if (!present) ctx.addIssue({ code: 'custom', path, message: `a controlplane config needs ${what}` });
    };
    require(Boolean(config.machine.ca.key), ['machine', 'ca', 'key'], 'the OS CA key');
    require(Boolean(config.cluster.ca.key), ['cluster', 'ca', 'key'], 'the Kubernetes CA key');
    require(config.cluster.aggregatorCA !== undefined, ['cluster', 'aggregatorCA'], 'the aggregator CA');
    require(config.cluster.serviceAccount !== undefined, ['cluster', 'serviceAccount'], 'the service-account key');
    require(config.cluster.etcd !== undefined, ['cluster', 'etcd', 'ca'], 'the etcd CA');
    require(config.cluster.secretboxEncryptionSecret !== undefined, ['cluster', 'secretboxEncryptionSecret'], 'the secretbox key');
  });

/** The validated v1alpha1 document. */
export type V1alpha1Config = z.infer<typeof V1alpha1Config>;
