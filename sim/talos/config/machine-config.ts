// Reads the v1alpha1 document of a machine config the way the simulator needs it. Only what
// the simulated node acts on is checked; everything else in the YAML is accepted as is.
import { parseAllDocuments } from 'yaml';
import { pemFromBase64 } from '../pki/pem.ts';
import { versionOfImage } from './image-tag.ts';

/** A CA from a config: certificate always, key only where Talos hands it out (control planes). */
export interface ConfigCa {
  readonly certPem: string;
  readonly keyPem?: string;
}

/** The parts of an applied machine config the simulator acts on. */
export interface SimMachineConfig {
  /** The YAML as applied. */
  readonly raw: string;
  readonly machineType: 'controlplane' | 'worker';
  /** trustd token (`machine.token`). */
  readonly machineToken: string;
  readonly osCa: ConfigCa;
  readonly certSans: readonly string[];
  readonly hostname?: string;
  readonly installImage?: string;
  /** From the installer image tag. */
  readonly talosVersion?: string;
  readonly kubeletImage?: string;
  /** From the kubelet image tag. */
  readonly kubernetesVersion?: string;
  /** The kubelet's `--provider-id` (`machine.kubelet.extraArgs`, else `extraConfig.providerID`): the Node's spec.providerID. */
  readonly kubeletProviderId?: string;
  /** Control-plane configs carry it; `talosctl gen config` leaves it out of worker configs. */
  readonly clusterName?: string;
  readonly clusterId?: string;
  /** `cluster.controlPlane.endpoint`. */
  readonly endpoint: string;
  readonly k8sCa: ConfigCa;
  readonly etcdCa?: ConfigCa;
  readonly clusterToken: string;
  readonly allowSchedulingOnControlPlanes: boolean;
  /** The shared IP (`machine.network.interfaces[].vip.ip`, or a VLAN's) this control plane campaigns for. */
  readonly vip?: string;
}

/** The outcome of reading a config: the config, or Talos-style error texts. */
export type ParsedConfig =
  | { readonly ok: true; readonly config: SimMachineConfig }
  | { readonly ok: false; readonly parseError?: string; readonly errors: readonly string[] };

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const at = (root: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (isObj(value) ? value[key] : undefined), root);
const str = (root: unknown, path: string): string | undefined => {
  const value = at(root, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const tokenPattern = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

// A kubelet flag from extraArgs wins over the kubelet config file; Talos ≥ 1.12 also takes a list
// of values per flag, of which the kubelet's flag parser keeps the last.
function providerIdOf(main: unknown): string | undefined {
  const arg = at(main, 'machine.kubelet.extraArgs.provider-id');
  const values = Array.isArray(arg) ? arg : [arg];
  const last: unknown = values.at(-1);
  if (typeof last === 'string' && last !== '') return last;
  return str(main, 'machine.kubelet.extraConfig.providerID');
}

// Every `vip.ip` of the config's interfaces and their VLANs, as Talos' Devices()/Vlans() walk them.
function vipsOf(main: unknown): unknown[] {
  const devices = at(main, 'machine.network.interfaces');
  if (!Array.isArray(devices)) return [];
  return devices.flatMap((device: unknown) => {
    const vlans = at(device, 'vlans');
    const owners = [device, ...(Array.isArray(vlans) ? (vlans as unknown[]) : [])];
    return owners.filter((owner) => isObj(at(owner, 'vip'))).map((owner) => at(owner, 'vip.ip'));
  });
}

const ipv4Pattern = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// net.ParseIP: dotted IPv4 or an IPv6 text form (checked loosely: hex groups and colons).
const parsesAsIp = (value: unknown): value is string =>
  typeof value === 'string' && (ipv4Pattern.test(value) || (/^[0-9a-fA-F:.]+$/.test(value) && value.includes(':')));

// Talos' validation (v1alpha1_validation.go): a VIP only on control planes, and an address that parses.
function checkVips(vips: readonly unknown[], controlPlane: boolean, errors: string[]): void {
  if (vips.length > 0 && !controlPlane) errors.push('virtual (shared) IP is not allowed on non-controlplane nodes');
  for (const vip of vips)
    if (!parsesAsIp(vip)) errors.push(`[networking.os.device.vip] failed to parse ${JSON.stringify(vip ?? '')} as IP address`);
}

function readCa(root: unknown, path: string, needKey: boolean, errors: string[]): ConfigCa | undefined {
  const certPem = pemFromBase64(str(root, `${path}.crt`));
  const keyText = str(root, `${path}.key`);
  const keyPem = pemFromBase64(keyText);
  if (certPem === undefined) errors.push(`${path}.crt is required and must be base64 of a PEM certificate`);
  if (needKey && keyPem === undefined) errors.push(`${path}.key is required on control plane nodes`);
  if (keyText !== undefined && keyPem === undefined) errors.push(`${path}.key must be base64 of a PEM key`);
  return certPem === undefined ? undefined : { certPem, ...(keyPem === undefined ? {} : { keyPem }) };
}

/** Parses and validates a machine config (multi-document YAML, v1alpha1 document required). */
export function parseMachineConfig(raw: string): ParsedConfig {
  let main: unknown;
  try {
    const documents = parseAllDocuments(raw);
    for (const document of Array.isArray(documents) ? documents : [documents]) {
      if (document.errors.length > 0) throw new Error(document.errors[0]?.message ?? 'invalid YAML');
      const value: unknown = document.toJS();
      if (isObj(value) && value['version'] !== undefined && value['kind'] === undefined) main = value;
    }
  } catch (error) {
    return { ok: false, parseError: error instanceof Error ? error.message : String(error), errors: [] };
  }
  if (main === undefined) return { ok: false, parseError: 'missing v1alpha1 config document', errors: [] };
  const errors: string[] = [];
  if (at(main, 'version') !== 'v1alpha1') errors.push(`unknown config version ${JSON.stringify(at(main, 'version'))}`);
  const rawType = str(main, 'machine.type');
  const machineType =
    rawType === 'controlplane' || rawType === 'init' ? 'controlplane' : rawType === 'worker' || rawType === 'join' ? 'worker' : undefined;
  if (machineType === undefined) errors.push(`unknown machine type ${JSON.stringify(rawType ?? '')}`);
  const cp = machineType === 'controlplane';
  const machineToken = str(main, 'machine.token');
  if (machineToken === undefined || !tokenPattern.test(machineToken)) errors.push('machine.token must look like abcdef.0123456789abcdef');
  const osCa = readCa(main, 'machine.ca', cp, errors);
  const clusterName = str(main, 'cluster.clusterName');
  if (cp && clusterName === undefined) errors.push('cluster.clusterName is required');
  const endpoint = str(main, 'cluster.controlPlane.endpoint');
  if (endpoint === undefined || !/^https:\/\/[^/\s]+(?::\d+)?\/?$/.test(endpoint))
    errors.push('cluster.controlPlane.endpoint must be an https:// URL');
  const k8sCa = readCa(main, 'cluster.ca', cp, errors);
  const etcdCa = cp ? readCa(main, 'cluster.etcd.ca', true, errors) : undefined;
  const clusterToken = str(main, 'cluster.token');
  if (clusterToken === undefined || !tokenPattern.test(clusterToken)) errors.push('cluster.token must look like abcdef.0123456789abcdef');
  const installImage = str(main, 'machine.install.image');
  const kubeletImage = str(main, 'machine.kubelet.image');
  if (kubeletImage !== undefined && versionOfImage(kubeletImage) === undefined)
    errors.push(`machine.kubelet.image ${JSON.stringify(kubeletImage)} has no version tag`);
  const sans = at(main, 'machine.certSANs');
  const vips = vipsOf(main);
  if (machineType !== undefined) checkVips(vips, cp, errors);
  if (errors.length > 0 || !machineType || !machineToken || !osCa || !endpoint || !k8sCa || !clusterToken) return { ok: false, errors };
  const hostname = str(main, 'machine.network.hostname');
  const clusterId = str(main, 'cluster.id');
  const talosVersion = versionOfImage(installImage);
  const kubernetesVersion = versionOfImage(kubeletImage);
  const kubeletProviderId = providerIdOf(main);
  const vip = vips.find(parsesAsIp);
  return {
    ok: true,
    config: {
      raw,
      machineType,
      machineToken,
      osCa,
      certSans: Array.isArray(sans) ? sans.filter((s): s is string => typeof s === 'string') : [],
      ...(hostname === undefined ? {} : { hostname }),
      ...(installImage === undefined ? {} : { installImage }),
      ...(talosVersion === undefined ? {} : { talosVersion }),
      ...(kubeletImage === undefined ? {} : { kubeletImage }),
      ...(kubernetesVersion === undefined ? {} : { kubernetesVersion }),
      ...(kubeletProviderId === undefined ? {} : { kubeletProviderId }),
      ...(clusterName === undefined ? {} : { clusterName }),
      ...(clusterId === undefined ? {} : { clusterId }),
      endpoint: endpoint.replace(/\/$/, ''),
      k8sCa,
      ...(etcdCa === undefined ? {} : { etcdCa }),
      clusterToken,
      allowSchedulingOnControlPlanes: at(main, 'cluster.allowSchedulingOnControlPlanes') === true,
      ...(vip === undefined ? {} : { vip }),
    },
  };
}

/** Talos' wording for a config it refuses (go-multierror layout). */
export function validationMessage(result: Extract<ParsedConfig, { ok: false }>): string {
  if (result.parseError !== undefined) return `failed to parse config: ${result.parseError}`;
  const n = result.errors.length;
  const list = result.errors.map((e) => `\t* ${e}`).join('\n');
  return `configuration validation failed: ${n} error${n === 1 ? '' : 's'} occurred:\n${list}\n\n`;
}
