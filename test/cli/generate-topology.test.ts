// `capstan generate cluster --flavor topology`: the ClusterClass and Cluster it prints parse with
// their kinds' schemas, generate (as the controller's topology generator does) objects that map
// without an error or a warning, and describe the same cluster as the plain flavor for the same
// flags: the same machines, versions, network and replicas, under generated names.
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ClusterClass } from '../../api/capi/cluster-class.ts';
import { Kinds } from '../../api/capi/mapping/cluster-objects.ts';
import { ProxmoxClusterTemplate } from '../../api/capi/proxmox-cluster-template.ts';
import { TalosControlPlaneTemplate } from '../../api/capi/talos-control-plane-template.ts';
import { describeIssue, objectsFromManifests, toDesiredCluster } from '../../api/capi/to-desired-cluster.ts';
import { generateTopology } from '../../api/capi/topology/generate.ts';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import { topologyObjects } from '../api/capi/topology/class-fixture.ts';
import { capstan, generate, proxmoxFlags, type GeneratedManifest } from './generate-run.ts';

const schemas: Record<string, z.ZodType> = {
  ...Object.fromEntries(Object.values(Kinds).map((k) => [k.kind, k.schema])),
  ClusterClass,
  ProxmoxClusterTemplate,
  TalosControlPlaneTemplate,
};

/** Each object parsed by its kind's schema; then the Cluster through the topology generator and its output through the mapping. */
function desiredOf(objects: readonly GeneratedManifest[], namespace: string, name: string): DesiredCluster {
  for (const object of objects) {
    const schema = schemas[object.kind];
    expect(schema, object.kind).toBeDefined();
    expect(schema?.safeParse(object).error?.issues ?? [], `${object.kind} ${object.metadata.name}`).toEqual([]);
  }
  const cluster = objects.find((o) => o.kind === 'Cluster');
  if (!cluster) throw new Error('no Cluster printed');
  const topology = generateTopology(cluster, topologyObjects(objects));
  expect(topology.warnings.map(describeIssue)).toEqual([]);
  if (!topology.ok) throw new Error(topology.errors.map(describeIssue).join('\n'));
  const { generated } = topology;
  const withRefs = {
    ...cluster,
    spec: { ...(cluster['spec'] as object), controlPlaneRef: generated.controlPlaneRef, infrastructureRef: generated.infrastructureRef },
  };
  const mapped = toDesiredCluster({ namespace, name }, objectsFromManifests([withRefs, ...generated.objects], namespace));
  expect(mapped.warnings.map(describeIssue)).toEqual([]);
  if (!mapped.ok) throw new Error(mapped.errors.map(describeIssue).join('\n'));
  return mapped.desired;
}

function plainDesired(objects: readonly GeneratedManifest[], namespace: string, name: string): DesiredCluster {
  const mapped = toDesiredCluster({ namespace, name }, objectsFromManifests(objects, namespace));
  if (!mapped.ok) throw new Error(mapped.errors.map(describeIssue).join('\n'));
  return mapped.desired;
}

/**
 * What the two flavors must agree on: everything but the objects' names (CAPI's topology names
 * them `<cluster>-<random>`), and a MachineDeployment's version, which CAPI's topology writes out
 * where the plain flavor leaves the workers to follow the control plane.
 */
function shape(desired: DesiredCluster) {
  return {
    ...desired,
    controlPlane: { ...desired.controlPlane, sources: undefined },
    machineDeployments: desired.machineDeployments.map((md) => ({
      ...md,
      name: undefined,
      sources: undefined,
      kubernetesVersion: md.kubernetesVersion ?? desired.kubernetesVersion,
    })),
    proxmox: { ...desired.proxmox, source: undefined },
    network: { ...desired.network, poolName: undefined },
  };
}

describe('capstan generate cluster --flavor topology', () => {
  it('prints a ClusterClass with its templates, then a Cluster made from it', async () => {
    const { yaml, objects } = await generate('alpha', [...proxmoxFlags, '--flavor', 'topology', '--worker-machine-count', '2']);
    expect(yaml.split('\n')[2]).toBe(
      '# Made from ClusterClass default/talos-proxmox, printed first; a Cluster of it alone: add --cluster-only.',
    );
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'ClusterClass default/talos-proxmox',
      'ProxmoxClusterTemplate default/talos-proxmox',
      'TalosControlPlaneTemplate default/talos-proxmox-control-plane',
      'ProxmoxMachineTemplate default/talos-proxmox-control-plane',
      'ProxmoxMachineTemplate default/talos-proxmox-worker',
      'TalosConfigTemplate default/talos-proxmox-worker',
      'Cluster default/alpha',
    ]);
    const cc = objects[0] as unknown as { spec: { variables: { name: string; required: boolean }[]; patches: { name: string }[] } };
    expect(cc.spec.variables.map((v) => `${v.name}${v.required ? ' (required)' : ''}`)).toEqual([
      'controlPlaneEndpoint (required)',
      'ipv4Pool (required)',
      'dnsServers',
      'talosVersion',
      'workerMachine',
    ]);
    expect(cc.spec.patches.map((p) => p.name)).toEqual(['cluster-network', 'talos-version', 'worker-machine']);
    expect(objects.at(-1)?.['spec']).toEqual({
      clusterNetwork: { pods: { cidrBlocks: ['10.244.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] } },
      topology: {
        class: 'talos-proxmox',
        version: 'v1.35.0',
        controlPlane: { replicas: 1 },
        workers: { machineDeployments: [{ class: 'default-worker', name: 'md-0', replicas: 2 }] },
        variables: [
          { name: 'controlPlaneEndpoint', value: { host: '10.0.0.10', port: 6443 } },
          { name: 'ipv4Pool', value: { addresses: ['10.0.0.11-10.0.0.60'], prefix: 24, gateway: '10.0.0.1' } },
          { name: 'dnsServers', value: ['10.0.0.1'] },
          { name: 'talosVersion', value: 'v1.12.0' },
          { name: 'workerMachine', value: { numSockets: 1, numCores: 2, memoryMiB: 4096, diskGb: 20 } },
        ],
      },
    });
  });

  it.each([
    ['the defaults', 'alpha', []],
    [
      '3 control planes, 5 workers, bigger VMs, a drain timeout, another namespace and class name',
      'beta',
      [
        '--control-plane-machine-count',
        '3',
        '--worker-machine-count',
        '5',
        '--node-ip-ranges',
        '10.0.0.16/28,10.0.0.40',
        '--allowed-nodes',
        'pve1,pve2',
        '--num-sockets',
        '2',
        '--num-cores',
        '4',
        '--memory-mib',
        '8192',
        '--boot-volume-size',
        '100',
        '--bridge',
        'vmbr1',
        '--node-drain-timeout',
        '5m',
        '--dns-servers',
        '10.0.0.1,10.0.0.2',
        '--target-namespace',
        'team-a',
        '--class-name',
        'big-vms',
      ],
    ],
    ['7 control planes on Talos v1.11.5', 'gamma', ['--control-plane-machine-count', '7', '--talos-version', 'v1.11.5']],
    [
      'a load balancer of your own, on another port',
      'lb',
      ['--external-load-balancer', '--control-plane-endpoint-ip', '192.168.5.5', '--control-plane-endpoint-port', '8443'],
    ],
    ['the longest name (58 characters)', 'x'.repeat(58), ['--worker-machine-count', '1']],
  ] as const)('%s: generates and maps without an issue, to the cluster the plain flavor describes', async (_case, name, args) => {
    const topology = await generate(name, [...proxmoxFlags, ...args, '--flavor', 'topology']);
    const plainArgs = args.filter((arg, i) => arg !== '--class-name' && args[i - 1] !== '--class-name');
    const plain = await generate(name, [...proxmoxFlags, ...plainArgs]);
    const namespace = topology.objects[0]?.metadata.namespace ?? '';
    const fromTopology = desiredOf(topology.objects, namespace, name);
    const fromPlain = plainDesired(plain.objects, namespace, name);
    expect(shape(fromTopology)).toEqual(shape(fromPlain));
    // CAPI's naming: `<cluster>-md-0-` cut to leave room for the five-character suffix within 63.
    const prefix = `${name}-md-0-`.slice(0, 58);
    expect(fromTopology.machineDeployments.map((md) => md.name)).toEqual([expect.stringMatching(new RegExp(`^${prefix}[a-z0-9]{5}$`))]);
  });

  it('lets a Cluster override the class defaults: another worker size, DNS and Talos version', async () => {
    const { objects } = await generate('alpha', [...proxmoxFlags, '--flavor', 'topology', '--kubernetes-version', 'v1.33.5']);
    const cluster = objects.at(-1) as unknown as { spec: { topology: { variables: { name: string; value: unknown }[] } } };
    cluster.spec.topology.variables = cluster.spec.topology.variables.map((v) =>
      v.name === 'workerMachine'
        ? { name: v.name, value: { numSockets: 2, numCores: 8, memoryMiB: 16384, diskGb: 50 } }
        : v.name === 'talosVersion'
          ? { name: v.name, value: 'v1.11.5' }
          : v.name === 'dnsServers'
            ? { name: v.name, value: ['10.0.0.2', '10.0.0.3'] }
            : v,
    );
    const desired = desiredOf(objects, 'default', 'alpha');
    expect(desired.talosVersion).toBe('v1.11.5');
    expect(desired.machineDeployments[0]?.machine).toMatchObject({ sockets: 2, cores: 8, memoryMiB: 16384, diskGiB: 50 });
    expect(desired.controlPlane.machine).toMatchObject({ sockets: 1, cores: 2, memoryMiB: 4096, diskGiB: 20 });
  });

  it('prints the Cluster alone with --cluster-only, as the full output holds it', async () => {
    const args = [...proxmoxFlags, '--flavor', 'topology', '--worker-machine-count', '3'];
    const full = await generate('alpha', args);
    const { yaml, objects } = await generate('alpha', [...args, '--cluster-only']);
    expect(objects).toEqual([full.objects.at(-1)]);
    expect(yaml).toContain('# Made from ClusterClass default/talos-proxmox, which must exist');
  });

  it('refuses --cluster-only without --flavor topology, and a class name that is no DNS label', async () => {
    const plain = await capstan(['generate', 'cluster', 'alpha', ...proxmoxFlags, '--cluster-only']);
    expect(plain.code).toBe(1);
    expect(plain.out).toBe('');
    expect(plain.err).toContain('capstan: cannot generate cluster alpha: --cluster-only prints a Cluster of a ClusterClass');
    expect(plain.err).toContain('hint: add --flavor topology');
    const badName = await capstan(['generate', 'cluster', 'alpha', ...proxmoxFlags, '--flavor', 'topology', '--class-name', 'Talos_PVE']);
    expect(badName.code).toBe(1);
    expect(badName.err).toContain('  - --class-name "Talos_PVE": must be a DNS-1123 label');
  });

  it('refuses a bad value naming its flag, as the plain flavor does', async () => {
    const { code, err } = await capstan([
      'generate',
      'cluster',
      'beta',
      ...proxmoxFlags,
      '--flavor',
      'topology',
      '--control-plane-machine-count',
      '2',
    ]);
    expect(code).toBe(1);
    expect(err).toContain('  - --control-plane-machine-count "2": must be 1, 3, 5 or 7');
  });
});
