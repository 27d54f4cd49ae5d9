import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import type { MachineConfigInput } from '../../../api/talos/machine-config-input.ts';
import type { JsonObject } from '../../../activities/talos/json-value.ts';
import { renderMachineConfig } from '../../../activities/talos/render-machine-config.ts';
import type { SecretsBundle } from '../../../activities/talos/secrets-bundle.ts';
import { controlPlaneInput, expectFailure, testBundle } from './talos-fixtures.ts';

let bundle: SecretsBundle;
beforeAll(async () => {
  bundle = await testBundle();
});

interface Config {
  machine: Record<string, unknown> & { network: { interfaces: JsonObject[]; hostname?: string }; install: JsonObject };
  cluster: Record<string, unknown> & { network: JsonObject; apiServer: JsonObject & { admissionControl: JsonObject[] } };
}
const render = (patches: Partial<MachineConfigInput>) => renderMachineConfig(controlPlaneInput(patches), bundle).documents;
const main = (patches: Partial<MachineConfigInput>) => render(patches)[0] as unknown as Config;
const patchMessage = async (patches: Partial<MachineConfigInput>) =>
  (await expectFailure(() => render(patches), ErrorType.InvalidConfigPatch)).message;

describe('strategicPatches (Talos merge rules)', () => {
  it('overrides scalars, appends plain lists and replaces pod/service subnets', () => {
    const config = main({
      strategicPatches: [
        'machine:\n  network:\n    hostname: renamed\n  certSANs: [extra.example]\n',
        { cluster: { network: { podSubnets: ['10.32.0.0/12'], serviceSubnets: ['10.112.0.0/12'] } } },
      ],
    });
    expect(config.machine.network.hostname).toBe('renamed');
    expect(config.machine.certSANs).toEqual(['prod-eu1.example.internal', 'extra.example']);
    expect(config.cluster.network).toMatchObject({ podSubnets: ['10.32.0.0/12'], serviceSubnets: ['10.112.0.0/12'] });
  });

  it('merges machine.network.interfaces by interface name and appends new ones', () => {
    const { interfaces } = main({
      strategicPatches: [
        'machine:\n  network:\n    interfaces:\n      - {interface: eth0, mtu: 9000, addresses: [10.20.0.5/24]}\n      - {interface: eth1, dhcp: true}\n',
      ],
    }).machine.network;
    expect(interfaces).toEqual([
      {
        interface: 'eth0',
        addresses: ['10.10.0.21/24', '10.20.0.5/24'],
        routes: [{ network: '0.0.0.0/0', gateway: '10.10.0.1' }],
        dhcp: false,
        vip: { ip: '10.10.0.10' },
        mtu: 9000,
      },
      { interface: 'eth1', dhcp: true },
    ]);
  });

  it('matches interfaces by deviceSelector and VLANs by vlanId', () => {
    const selector = { hardwareAddr: 'bc:24:11:00:00:01' };
    const network = { deviceSelector: selector, addresses: ['10.10.0.22/24'] };
    const { interfaces } = main({
      network,
      strategicPatches: [
        { machine: { network: { interfaces: [{ deviceSelector: selector, vlans: [{ vlanId: 10, dhcp: true }] }] } } },
        { machine: { network: { interfaces: [{ deviceSelector: selector, vlans: [{ vlanId: 10, mtu: 1400 }, { vlanId: 20 }] }] } } },
      ],
    }).machine.network;
    expect(interfaces).toHaveLength(1);
    expect(interfaces[0]!.vlans).toEqual([{ vlanId: 10, dhcp: true, mtu: 1400 }, { vlanId: 20 }]);
  });

  it('deletes keys, keyed list items and whole documents with $patch: delete', () => {
    const documents = render({
      strategicPatches: [
        'apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: node-1\nauto: "off"\n---\napiVersion: v1alpha1\nkind: SideroLinkConfig\napiUrl: https://siderolink.example:8099\n',
        [
          'machine:',
          '  nodeLabels:',
          '    node.kubernetes.io/exclude-from-external-load-balancers: {$patch: delete}',
          '  network:',
          '    hostname: {$patch: delete}',
          '    interfaces: [{interface: eth0, $patch: delete}]',
          'cluster:',
          '  apiServer:',
          '    admissionControl: [{name: PodSecurity, $patch: delete}]',
          '---',
          'apiVersion: v1alpha1',
          'kind: SideroLinkConfig',
          '$patch: delete',
        ].join('\n'),
      ],
    });
    expect(documents.map((document) => document.kind)).toEqual([undefined, 'HostnameConfig']);
    const config = documents[0] as unknown as Config;
    expect(config.machine.nodeLabels).toEqual({});
    expect(config.machine.network).toEqual({ interfaces: [], nameservers: ['10.10.0.2', '1.1.1.1'] });
    expect(config.cluster.apiServer.admissionControl).toEqual([]);
    expect(documents[1]).toEqual({ apiVersion: 'v1alpha1', kind: 'HostnameConfig', hostname: 'node-1', auto: 'off' });
  });

  it('leaves a value alone for an empty string, like Talos’ Go decoding, but applies false', () => {
    const config = main({ strategicPatches: ['machine:\n  install:\n    disk: ""\n    wipe: true\n  features:\n    rbac: false\n'] });
    expect(config.machine.install).toMatchObject({ disk: '/dev/sda', wipe: true });
    expect(config.machine.features).toMatchObject({ rbac: false });
  });

  it.each([
    [
      'a delete that finds nothing',
      ['machine:\n  install:\n    wipe: true\n', 'machine:\n  network:\n    bond0: {$patch: delete}\n'],
      'strategicPatches[1] at /machine/network/bond0: $patch: delete found nothing to delete',
    ],
    [
      'a keyed delete that matches nothing',
      ['machine:\n  network:\n    interfaces: [{interface: eth9, $patch: delete}]\n'],
      'strategicPatches[0] at /machine/network/interfaces: $patch: delete matched no item by interface or deviceSelector',
    ],
    [
      'a type mismatch',
      ['cluster:\n  network: 10.0.0.0/8\n'],
      'strategicPatches[0] at /cluster/network: cannot replace a mapping with string',
    ],
    [
      'a delete inside an appended list',
      ['machine:\n  certSANs: [{$patch: delete}]\n'],
      'strategicPatches[0] at /machine/certSANs: $patch: delete needs a list merged by key (this list is appended to)',
    ],
    ['YAML that does not parse', ['machine: [unclosed\n'], /^strategicPatches\[0\]: not YAML\/JSON: /],
    [
      'an RFC 6902 list in the wrong field',
      ['[{"op": "remove", "path": "/machine/install"}]'],
      'strategicPatches[0]: expected a partial machine config (a mapping), got a list; RFC 6902 operations belong in configPatches',
    ],
    ['another config version', ['version: v1alpha2\n'], 'strategicPatches[0] at /version: unsupported config version "v1alpha2"'],
  ])('names the patch and path for %s', async (_, strategicPatches, message) => {
    const actual = await patchMessage({ strategicPatches });
    if (typeof message === 'string') expect(actual).toBe(message);
    else expect(actual).toMatch(message);
  });
});

describe('configPatches (RFC 6902)', () => {
  it('applies add, replace, remove, copy, move and test in order', () => {
    const config = main({
      configPatches: [
        { op: 'test', path: '/machine/install/disk', value: '/dev/sda' },
        { op: 'replace', path: '/machine/install/disk', value: '/dev/vda' },
        { op: 'add', path: '/machine/certSANs/-', value: 'added.example' },
        { op: 'add', path: '/machine/nodeLabels/topology.kubernetes.io~1zone', value: 'pve-a' },
        { op: 'remove', path: '/cluster/apiServer/auditPolicy' },
        { op: 'copy', from: '/cluster/network/podSubnets', path: '/cluster/network/extraSubnets' },
        { op: 'move', from: '/cluster/network/extraSubnets', path: '/cluster/network/movedSubnets' },
      ],
    });
    expect(config.machine.install.disk).toBe('/dev/vda');
    expect(config.machine.certSANs).toEqual(['prod-eu1.example.internal', 'added.example']);
    expect(config.machine.nodeLabels).toMatchObject({ 'topology.kubernetes.io/zone': 'pve-a' });
    expect(config.cluster.apiServer.auditPolicy).toBeUndefined();
    expect(config.cluster.network).toMatchObject({ movedSubnets: ['10.244.0.0/16'] });
    expect(config.cluster.network.extraSubnets).toBeUndefined();
  });

  it('reads the operations from YAML or JSON text', () => {
    const fromYaml = main({ configPatches: '- op: add\n  path: /machine/install/wipe\n  value: true\n' });
    const fromJson = main({ configPatches: '[{"op": "add", "path": "/machine/install/wipe", "value": true}]' });
    expect(fromYaml.machine.install.wipe).toBe(true);
    expect(fromJson).toEqual(fromYaml);
  });

  it('applies before strategic patches, as CAPI’s bootstrap provider does', () => {
    const config = main({
      configPatches: [{ op: 'replace', path: '/machine/install/disk', value: '/dev/vda' }],
      strategicPatches: ['machine:\n  install:\n    disk: /dev/nvme0n1\n'],
    });
    expect(config.machine.install.disk).toBe('/dev/nvme0n1');
  });

  it.each([
    [
      [
        { op: 'remove', path: '/machine/install' },
        { op: 'add', path: '/machine/certSANs/-', value: 'x' },
        { op: 'replace', path: '/machine/install/disk', value: '/dev/vda' },
      ],
      'configPatches[2] (replace /machine/install/disk): path not found',
    ],
    [[{ op: 'test', path: '/machine/type', value: 'worker' }], 'configPatches[0] (test /machine/type): test failed: value differs'],
    [
      [{ op: 'add', path: '/machine/certSANs/7', value: 'x' }],
      'configPatches[0] (add /machine/certSANs/7): index 7 is out of range (length 1)',
    ],
    [
      [{ op: 'add', path: 'machine/type', value: 'x' }],
      'configPatches[0] (add machine/type): a JSON pointer must be empty or start with /',
    ],
    [[{ op: 'replace', path: '/machine/type' }], 'configPatches[0] (replace /machine/type): replace needs a value'],
    [[{ path: '/machine/type' }], 'configPatches[0]: op: Invalid option: expected one of "add"|"remove"|"replace"|"move"|"copy"|"test"'],
    [
      '{op: add}',
      'configPatches[0]: expected a list of RFC 6902 operations ({op, path, value}); a partial config belongs in strategicPatches',
    ],
  ])('names the failing operation: %j', async (configPatches, message) => {
    expect(await patchMessage({ configPatches })).toBe(message);
  });

  it('carries the patch, operation and path in the failure details', async () => {
    const failure = await expectFailure(
      () => render({ configPatches: [{ op: 'remove', path: '/machine/kubelet/extraArgs' }] }),
      ErrorType.InvalidConfigPatch,
    );
    expect(failure.details).toEqual([
      {
        list: 'configPatches',
        index: 0,
        operation: 'remove /machine/kubelet/extraArgs',
        path: '/machine/kubelet/extraArgs',
        reason: 'path not found',
      },
    ]);
  });
});
