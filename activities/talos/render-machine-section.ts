import type { ResolvedMachineConfigInput } from '../../api/talos/machine-config-input.ts';
import { kubernetesImages } from './images.ts';
import type { JsonObject } from './json-value.ts';
import { pemToBase64 } from './pem.ts';
import type { SecretsBundle } from './secrets-bundle.ts';

/** KubePrism's default port (constants.DefaultKubePrismPort). */
export const kubePrismPort = 7445;

function renderNetwork(input: ResolvedMachineConfigInput): JsonObject {
  const network: JsonObject = {};
  if (input.hostname !== undefined) network.hostname = input.hostname;
  const spec = input.network;
  if (spec === undefined) return network;
  const device: JsonObject = spec.interface !== undefined ? { interface: spec.interface } : {};
  if (spec.deviceSelector !== undefined) device.deviceSelector = { ...spec.deviceSelector };
  device.addresses = [...spec.addresses];
  if (spec.gateway !== undefined) {
    device.routes = [{ network: spec.gateway.includes(':') ? '::/0' : '0.0.0.0/0', gateway: spec.gateway }];
  }
  if (spec.mtu !== undefined) device.mtu = spec.mtu;
  device.dhcp = false;
  // A VIP on a worker would fight the control plane for the endpoint address.
  if (spec.vip !== undefined && input.machineType === 'controlplane') device.vip = { ip: spec.vip };
  network.interfaces = [device];
  if (spec.nameservers.length > 0) network.nameservers = [...spec.nameservers];
  return network;
}

/**
 * The `machine` section, in the field order and with the feature flags Talos' generator emits for
 * current config versions (init.go / worker.go): workers get the OS CA certificate without its key.
 */
export function renderMachineSection(input: ResolvedMachineConfigInput, bundle: SecretsBundle): JsonObject {
  const controlPlane = input.machineType === 'controlplane';
  const machine: JsonObject = {
    type: input.machineType,
    token: bundle.trustdInfo.token,
    ca: {
      crt: pemToBase64(bundle.certs.os.crt),
      key: controlPlane ? pemToBase64(bundle.certs.os.key) : '',
    },
    certSANs: [...input.certSANs],
    kubelet: {
      image: kubernetesImages(input.kubernetesVersion).kubelet,
      // The Node's spec.providerID: how Machines and Nodes find each other, as CAPI matches them.
      ...(input.providerID === undefined ? {} : { extraArgs: { 'provider-id': input.providerID } }),
      defaultRuntimeSeccompProfileEnabled: true,
      disableManifestsDirectory: true,
    },
    network: renderNetwork(input),
    install: { disk: input.installDisk, image: input.installerImage, wipe: false },
    features: {
      rbac: true,
      stableHostname: true,
      apidCheckExtKeyUsage: true,
      diskQuotaSupport: true,
      kubePrism: { enabled: true, port: kubePrismPort },
      hostDNS: { enabled: true, forwardKubeDNSToHost: true },
    },
  };
  if (controlPlane) machine.nodeLabels = { 'node.kubernetes.io/exclude-from-external-load-balancers': '' };
  return machine;
}
