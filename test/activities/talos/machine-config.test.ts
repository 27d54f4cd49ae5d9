import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ErrorType } from '../../../api/errors.ts';
import { talosInstallerImage } from '../../../api/talos/installer-image.ts';
import type { JsonObject } from '../../../activities/talos/json-value.ts';
import { base64ToPem } from '../../../activities/talos/pem.ts';
import { renderMachineConfig, validateMachineConfig } from '../../../activities/talos/render-machine-config.ts';
import type { SecretsBundle } from '../../../activities/talos/secrets-bundle.ts';
import { bundleSecrets, controlPlaneInput, expectFailure, redact, testBundle } from './talos-fixtures.ts';

let bundle: SecretsBundle;
beforeAll(async () => {
  bundle = await testBundle();
});

const workerInput = () =>
  controlPlaneInput({
    machineType: 'worker',
    hostname: 'prod-eu1-md-0-x7k2p',
    network: {
      deviceSelector: { hardwareAddr: 'bc:24:11:5e:00:31' },
      addresses: ['10.10.0.31/24'],
      gateway: '10.10.0.1',
      nameservers: ['10.10.0.2'],
    },
    installerImage: talosInstallerImage('v1.11.2', '376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba'),
  });

// Every string leaf of a document, to look for key material wherever a patch might put it.
const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : typeof value === 'object' && value !== null ? Object.values(value).flatMap(strings) : [];

describe('renderMachineConfig', () => {
  it('renders a controlplane config shaped like Talos’ generator output', async () => {
    const { yaml } = renderMachineConfig(controlPlaneInput(), bundle);
    await expect(redact(yaml, bundleSecrets(bundle))).toMatchFileSnapshot('../../fixtures/talos/controlplane.yaml');
  });

  it('renders a worker config with a deviceSelector and an Image Factory installer', async () => {
    const { yaml } = renderMachineConfig(workerInput(), bundle);
    await expect(redact(yaml, bundleSecrets(bundle))).toMatchFileSnapshot('../../fixtures/talos/worker.yaml');
  });

  it('gives the control plane every CA with its key, straight from the bundle', () => {
    const [config] = renderMachineConfig(controlPlaneInput(), bundle).documents;
    const { machine, cluster } = config as unknown as {
      machine: { ca: { key: string } };
      cluster: { etcd: { ca: { key: string } }; serviceAccount: { key: string }; aggregatorCA: { crt: string } };
    };
    expect(base64ToPem(machine.ca.key)).toBe(bundle.certs.os.key);
    expect(base64ToPem(cluster.etcd.ca.key)).toBe(bundle.certs.etcd.key);
    expect(base64ToPem(cluster.serviceAccount.key)).toBe(bundle.certs.k8sServiceAccount.key);
    expect(base64ToPem(cluster.aggregatorCA.crt)).toBe(bundle.certs.k8sAggregator.crt);
  });

  it('gives workers CA certificates only: no private key anywhere in a worker config', () => {
    const { documents } = renderMachineConfig(workerInput(), bundle);
    const decoded = strings(documents).map((value) => {
      try {
        return base64ToPem(value);
      } catch {
        return value;
      }
    });
    expect(decoded.filter((value) => value.includes('PRIVATE KEY'))).toEqual([]);
    expect(decoded).toContain(bundle.certs.os.crt);
    expect(decoded).toContain(bundle.certs.k8s.crt);
    expect(documents[0]).toMatchObject({ machine: { ca: { key: '' } }, cluster: { ca: { key: '' } } });
  });

  it("sets the Node's providerID through the kubelet's --provider-id, as Talos users on Proxmox do", () => {
    const providerID = 'proxmox://0b9f6a4e-1111-2222-3333-444455556666';
    const { documents } = renderMachineConfig({ ...workerInput(), providerID }, bundle);
    const machine = (documents[0] as { machine: { kubelet: JsonObject } }).machine;
    expect(machine.kubelet['extraArgs']).toEqual({ 'provider-id': providerID });
    const without = (renderMachineConfig(workerInput(), bundle).documents[0] as { machine: { kubelet: JsonObject } }).machine;
    expect(without.kubelet['extraArgs']).toBeUndefined();
    expect(() => renderMachineConfig({ ...workerInput(), providerID: 'not a provider id' }, bundle)).toThrow(/providerID/);
  });

  it('is deterministic for a given bundle and input', () => {
    expect(renderMachineConfig(controlPlaneInput(), bundle).yaml).toBe(renderMachineConfig(controlPlaneInput(), bundle).yaml);
  });

  it('writes YAML that reads back as the same documents', () => {
    const { documents, yaml } = renderMachineConfig(controlPlaneInput(), bundle);
    expect(YAML.parseAllDocuments(yaml).map((document) => document.toJS() as unknown)).toEqual(documents);
  });

  it('refuses malformed input, naming each field', async () => {
    const failure = await expectFailure(
      () => renderMachineConfig(controlPlaneInput({ clusterName: 'Prod_EU', controlPlaneEndpoint: 'http://10.0.0.1:6443' }), bundle),
      ErrorType.InvalidMachineConfigInput,
    );
    expect(failure.message).toContain('clusterName: must be a DNS-1123 label');
    expect(failure.message).toContain('controlPlaneEndpoint: must be an https:// URL');
  });
});

describe('validateMachineConfig', () => {
  it('rejects a config a patch broke, naming the path and the problem', async () => {
    const failure = await expectFailure(
      () => renderMachineConfig(controlPlaneInput({ strategicPatches: ['cluster:\n  network:\n    podSubnets: [10.244.0.0]\n'] }), bundle),
      ErrorType.InvalidMachineConfig,
    );
    expect(failure.message).toBe('invalid machine config: cluster.network.podSubnets[0]: must be a CIDR');
  });

  it('lists every problem of a broken document', async () => {
    const [config] = renderMachineConfig(controlPlaneInput(), bundle).documents;
    const broken = structuredClone(config!) as { machine: JsonObject; cluster: JsonObject };
    broken.machine.token = 'not-a-token';
    broken.machine.type = 'init';
    const failure = await expectFailure(() => {
      validateMachineConfig([broken]);
    }, ErrorType.InvalidMachineConfig);
    expect(failure.message).toContain('machine.type: Invalid option: expected one of "controlplane"|"worker"');
    expect(failure.message).toContain('machine.token: must look like abcdef.0123456789abcdef');
  });

  it('requires the control-plane secrets on a controlplane config', async () => {
    const [config] = renderMachineConfig(controlPlaneInput(), bundle).documents;
    const broken = structuredClone(config!) as { cluster: JsonObject };
    Reflect.deleteProperty(broken.cluster, 'etcd');
    const failure = await expectFailure(() => {
      validateMachineConfig([broken]);
    }, ErrorType.InvalidMachineConfig);
    expect(failure.message).toBe('invalid machine config: cluster.etcd.ca: a controlplane config needs the etcd CA');
  });
});

describe('talosInstallerImage', () => {
  it.each([
    ['1.11.2', undefined, 'ghcr.io/siderolabs/installer:v1.11.2'],
    ['v1.12.0', 'a'.repeat(64), `factory.talos.dev/installer/${'a'.repeat(64)}:v1.12.0`],
  ])('%s with schematic %s → %s', (version, schematic, image) => {
    expect(talosInstallerImage(version, schematic)).toBe(image);
  });

  it('refuses a malformed schematic ID', () => {
    expect(() => talosInstallerImage('1.11.2', 'xyz')).toThrow('schematic ID "xyz" is not 64 lowercase hex digits');
  });
});
