import type { ResolvedMachineConfigInput } from '../../api/talos/machine-config-input.ts';
import { kubernetesImages } from './images.ts';
import type { JsonObject } from './json-value.ts';
import { pemToBase64 } from './pem.ts';
import type { SecretsBundle } from './secrets-bundle.ts';

/** Talos' default PodSecurity admission config (k8s.DefaultPodSecurityAdmissionControlConfig). */
const podSecurityAdmission: JsonObject = {
  name: 'PodSecurity',
  configuration: {
    apiVersion: 'pod-security.admission.config.k8s.io/v1alpha1',
    defaults: {
      audit: 'restricted',
      'audit-version': 'latest',
      enforce: 'baseline',
      'enforce-version': 'latest',
      warn: 'restricted',
      'warn-version': 'latest',
    },
    exemptions: { namespaces: ['kube-system'], runtimeClasses: [], usernames: [] },
    kind: 'PodSecurityConfiguration',
  },
};

const pair = (certificate: { crt: string; key: string }): JsonObject => ({
  crt: pemToBase64(certificate.crt),
  key: pemToBase64(certificate.key),
});

function renderClusterNetwork(input: ResolvedMachineConfigInput): JsonObject {
  const network: JsonObject = {
    dnsDomain: input.dnsDomain,
    podSubnets: [...input.podSubnets],
    serviceSubnets: [...input.serviceSubnets],
  };
  if (input.cni !== undefined) {
    network.cni = input.cni.urls.length ? { name: input.cni.name, urls: [...input.cni.urls] } : { name: input.cni.name };
  }
  return network;
}

/**
 * The `cluster` section as Talos' generator shapes it. Workers get only what joining needs
 * (identity, endpoint, network, bootstrap token, the Kubernetes CA certificate without its key);
 * the control plane also gets every CA key, the secretbox key and the static-pod images.
 */
export function renderClusterSection(input: ResolvedMachineConfigInput, bundle: SecretsBundle): JsonObject {
  const images = kubernetesImages(input.kubernetesVersion);
  const identity: JsonObject = {
    id: bundle.cluster.id,
    secret: bundle.cluster.secret,
    controlPlane: { endpoint: input.controlPlaneEndpoint },
  };
  const discovery: JsonObject = { enabled: true, registries: { kubernetes: { disabled: true }, service: {} } };
  if (input.machineType === 'worker') {
    return {
      ...identity,
      network: renderClusterNetwork(input),
      token: bundle.secrets.bootstrapToken,
      ca: { crt: pemToBase64(bundle.certs.k8s.crt), key: '' },
      discovery,
    };
  }
  const endpointHost = new URL(input.controlPlaneEndpoint).hostname.replace(/^\[(.*)\]$/, '$1');
  const cluster: JsonObject = {
    ...identity,
    clusterName: input.clusterName,
    network: renderClusterNetwork(input),
    token: bundle.secrets.bootstrapToken,
    secretboxEncryptionSecret: bundle.secrets.secretboxEncryptionSecret,
    ca: pair(bundle.certs.k8s),
    aggregatorCA: pair(bundle.certs.k8sAggregator),
    serviceAccount: { key: pemToBase64(bundle.certs.k8sServiceAccount.key) },
    apiServer: {
      image: images.apiServer,
      certSANs: [...new Set([endpointHost, ...input.certSANs])],
      disablePodSecurityPolicy: true,
      admissionControl: [structuredClone(podSecurityAdmission)],
      auditPolicy: { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] },
    },
    controllerManager: { image: images.controllerManager },
    proxy: { image: images.proxy },
    scheduler: { image: images.scheduler },
    discovery,
    etcd: { ca: pair(bundle.certs.etcd) },
    extraManifests: [],
    inlineManifests: [],
  };
  if (input.allowSchedulingOnControlPlanes !== undefined) {
    cluster.allowSchedulingOnControlPlanes = input.allowSchedulingOnControlPlanes;
  }
  return cluster;
}
