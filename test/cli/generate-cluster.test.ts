// `capstan generate cluster`: what it prints is what Capstan's own schemas and mapping accept
// without an error or a warning, for every shape of cluster the flags can ask for; clusterctl's
// variables stand in for absent flags; every bad value is refused naming its flag.
import { describe, expect, it } from 'vitest';
import { defaultVersionCatalog } from '../../api/capi/default-version-catalog.ts';
import { Kinds } from '../../api/capi/mapping/cluster-objects.ts';
import { describeIssue, objectsFromManifests, toDesiredCluster } from '../../api/capi/to-desired-cluster.ts';
import { capstan, generate, proxmoxFlags, type GeneratedManifest } from './generate-run.ts';

/** Parses each object with its kind's schema and maps them all: what the controller would do. */
function mapped(objects: readonly GeneratedManifest[], namespace: string, name: string) {
  for (const object of objects) {
    const info = Object.values(Kinds).find((k) => k.kind === object.kind);
    expect(info, object.kind).toBeDefined();
    const parsed = info?.schema.safeParse(object);
    expect(parsed?.error?.issues ?? [], `${object.kind} ${object.metadata.name}`).toEqual([]);
  }
  return toDesiredCluster({ namespace, name }, objectsFromManifests(objects, namespace));
}

const newestKubernetes = 'v1.35.0';
const newestTalos = 'v1.12.0';

describe('capstan generate cluster', () => {
  it('defaults to clusterctl counts (1 control plane, 0 workers) and the newest versions of the catalog', async () => {
    expect(defaultVersionCatalog.kubernetes.at(-1)).toBe(newestKubernetes);
    const { yaml, objects } = await generate('alpha', proxmoxFlags);
    expect(yaml.split('\n').slice(0, 2)).toEqual([
      `# Cluster default/alpha from capstan generate cluster (flavor plain): Kubernetes ${newestKubernetes}`,
      `# on Talos ${newestTalos}, 1 control plane, 0 workers.`,
    ]);
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'Cluster default/alpha',
      'ProxmoxCluster default/alpha',
      'ProxmoxMachineTemplate default/alpha-control-plane',
      'TalosControlPlane default/alpha-control-plane',
      'ProxmoxMachineTemplate default/alpha-workers',
      'TalosConfigTemplate default/alpha-workers',
      'MachineDeployment default/alpha-md-0',
    ]);
    const result = mapped(objects, 'default', 'alpha');
    expect(result.warnings.map(describeIssue)).toEqual([]);
    if (!result.ok) throw new Error(result.errors.map(describeIssue).join('\n'));
    expect(result.desired).toMatchObject({
      kubernetesVersion: newestKubernetes,
      talosVersion: newestTalos,
      controlPlane: { replicas: 1, strategy: { type: 'InPlace' }, machine: { cores: 2, sockets: 1, memoryMiB: 4096, diskGiB: 20 } },
      machineDeployments: [{ name: 'alpha-md-0', replicas: 0 }],
      proxmox: { allowedNodes: ['pve1'] },
      network: { controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 }, ipv4Pool: { addresses: ['10.0.0.11-10.0.0.60'] } },
    });
  });

  it.each([
    [
      '3 control planes, 5 workers, CIDR and single-address ranges, bigger VMs',
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
        '--target-namespace',
        'team-a',
      ],
    ],
    [
      '7 control planes pinned to Talos v1.11.5 (Kubernetes defaults to the newest it runs)',
      'gamma',
      ['--control-plane-machine-count', '7', '--talos-version', 'v1.11.5'],
    ],
    ['a Kubernetes version alone (Talos defaults to the newest that runs it)', 'delta', ['--kubernetes-version', 'v1.31.13']],
    [`the longest name (58 characters)`, 'x'.repeat(58), []],
    [
      'a load balancer of your own, outside the subnet, on another port',
      'lb',
      ['--external-load-balancer', '--control-plane-endpoint-ip', '192.168.5.5', '--control-plane-endpoint-port', '8443'],
    ],
  ] as const)('%s: every object parses and maps without an error or a warning', async (_case, name, args) => {
    const { objects } = await generate(name, [...proxmoxFlags, ...args]);
    const namespace = objects[0]?.metadata.namespace ?? '';
    const result = mapped(objects, namespace, name);
    expect(result.warnings.map(describeIssue)).toEqual([]);
    expect(result.ok ? [] : result.errors.map(describeIssue)).toEqual([]);
  });

  it('picks versions the catalog pairs', async () => {
    const versionsOf = async (args: string[]) => {
      const { objects } = await generate('v', [...proxmoxFlags, ...args]);
      const tcp = objects.find((o) => o.kind === 'TalosControlPlane') as unknown as {
        spec: { version: string; controlPlaneConfig: { controlplane: { talosVersion: string } } };
      };
      return [tcp.spec.version, tcp.spec.controlPlaneConfig.controlplane.talosVersion];
    };
    expect(await versionsOf([])).toEqual([newestKubernetes, newestTalos]);
    expect(await versionsOf(['--talos-version', 'v1.10.7'])).toEqual(['v1.33.5', 'v1.10.7']);
    expect(await versionsOf(['--kubernetes-version', 'v1.30.14'])).toEqual(['v1.30.14', 'v1.12.0']);
    expect(await versionsOf(['--kubernetes-version', 'v1.34.2', '--talos-version', 'v1.11.5'])).toEqual(['v1.34.2', 'v1.11.5']);
  });

  it("takes clusterctl's variables (CAPMOX's bracketed lists included) for absent flags, and a flag over its variable", async () => {
    const env = {
      KUBERNETES_VERSION: 'v1.33.4',
      TALOS_VERSION: 'v1.11.5',
      CONTROL_PLANE_MACHINE_COUNT: '3',
      WORKER_MACHINE_COUNT: '2',
      PROXMOX_SOURCENODE: 'pve1',
      TEMPLATE_VMID: '9000',
      ALLOWED_NODES: '[pve1,pve2, pve3]',
      CONTROL_PLANE_ENDPOINT_IP: '10.0.0.10',
      NODE_IP_RANGES: '[10.0.0.11-10.0.0.60, 10.0.0.70]',
      GATEWAY: '10.0.0.1',
      IP_PREFIX: '24',
      DNS_SERVERS: '[10.0.0.1,10.0.0.2]',
      BRIDGE: 'vmbr1',
      BOOT_VOLUME_DEVICE: 'scsi0',
      BOOT_VOLUME_SIZE: '40',
      NUM_SOCKETS: '2',
      NUM_CORES: '3',
      MEMORY_MIB: '6144',
    };
    const fromVariables = await generate('eps', [], env);
    const fromFlags = await generate('eps', [
      '--kubernetes-version',
      'v1.33.4',
      '--talos-version',
      'v1.11.5',
      '--control-plane-machine-count',
      '3',
      '--worker-machine-count',
      '2',
      '--source-node',
      'pve1',
      '--template-vmid',
      '9000',
      '--allowed-nodes',
      'pve1,pve2,pve3',
      '--control-plane-endpoint-ip',
      '10.0.0.10',
      '--node-ip-ranges',
      '10.0.0.11-10.0.0.60,10.0.0.70',
      '--gateway',
      '10.0.0.1',
      '--ip-prefix',
      '24',
      '--dns-servers',
      '10.0.0.1,10.0.0.2',
      '--bridge',
      'vmbr1',
      '--boot-volume-device',
      'scsi0',
      '--boot-volume-size',
      '40',
      '--num-sockets',
      '2',
      '--num-cores',
      '3',
      '--memory-mib',
      '6144',
    ]);
    expect(fromVariables.objects).toEqual(fromFlags.objects);
    const overridden = await generate('eps', ['--worker-machine-count', '4', '--source-node', 'pve2'], env);
    const md = overridden.objects.find((o) => o.kind === 'MachineDeployment') as unknown as { spec: { replicas: number } };
    expect(md.spec.replicas).toBe(4);
    expect(JSON.stringify(overridden.objects)).toContain('"sourceNode":"pve2"');
  });

  it('lists every missing required value at once, with its flag and variable', async () => {
    const { code, out, err } = await capstan(['generate', 'cluster', 'zeta', '--source-node', 'pve1', '--gateway', '10.0.0.1'], {
      TEMPLATE_VMID: '9000',
      IP_PREFIX: '',
    });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(
      err
        .split('\n')
        .filter((line) => line.startsWith('  - '))
        .map((line) => line.split(':')[0]),
    ).toEqual([
      '  - --control-plane-endpoint-ip or CONTROL_PLANE_ENDPOINT_IP',
      '  - --node-ip-ranges or NODE_IP_RANGES',
      '  - --ip-prefix or IP_PREFIX',
      '  - --dns-servers or DNS_SERVERS',
    ]);
    expect(err).toMatch(/^capstan: cannot generate cluster zeta: values are missing\n/);
  });

  const refusals: [string, string[], Record<string, string>, string][] = [
    ['an even control-plane count', ['--control-plane-machine-count', '2'], {}, '--control-plane-machine-count "2": must be 1, 3, 5 or 7'],
    ['9 control planes', ['--control-plane-machine-count', '9'], {}, '--control-plane-machine-count "9": must be 1, 3, 5 or 7'],
    ['a negative worker count', ['--worker-machine-count', '-1'], {}, '--worker-machine-count "-1": must be a whole number'],
    [
      'a malformed endpoint',
      ['--control-plane-endpoint-ip', '10.0.0.300'],
      {},
      '--control-plane-endpoint-ip "10.0.0.300": must be an IPv4 address',
    ],
    [
      'a malformed range',
      ['--node-ip-ranges', '10.0.0.11-10.0.0'],
      {},
      '--node-ip-ranges "10.0.0.11-10.0.0": "10.0.0.11-10.0.0" is not a range of two IPv4 addresses',
    ],
    [
      'a backwards range',
      ['--node-ip-ranges', '10.0.0.60-10.0.0.11'],
      {},
      '--node-ip-ranges "10.0.0.60-10.0.0.11": "10.0.0.60-10.0.0.11" ends before it starts',
    ],
    [
      'a range outside the subnet',
      ['--node-ip-ranges', '10.0.1.11-10.0.1.20'],
      {},
      '--node-ip-ranges "10.0.1.11-10.0.1.20": address 10.0.1.11 is not in the gateway\'s subnet 10.0.0.0/24',
    ],
    [
      'the endpoint inside the node range',
      ['--control-plane-endpoint-ip', '10.0.0.20'],
      {},
      '--control-plane-endpoint-ip "10.0.0.20": must be outside --node-ip-ranges',
    ],
    [
      'the endpoint outside the subnet',
      ['--control-plane-endpoint-ip', '10.0.9.10'],
      {},
      '--control-plane-endpoint-ip "10.0.9.10": must be in the machines\' subnet 10.0.0.0/24',
    ],
    [
      'the endpoint on the gateway',
      ['--control-plane-endpoint-ip', '10.0.0.1'],
      {},
      '--control-plane-endpoint-ip "10.0.0.1": must not be the gateway',
    ],
    [
      'too few addresses',
      ['--node-ip-ranges', '10.0.0.11-10.0.0.13', '--control-plane-machine-count', '3', '--worker-machine-count', '1'],
      {},
      '--node-ip-ranges "10.0.0.11-10.0.0.13": hold 3 usable addresses, but the cluster needs 5 (4 machines, 1 more while beta-md-0 rolls out)',
    ],
    ['a malformed gateway', ['--gateway', 'gw'], {}, '--gateway "gw": must be an IPv4 address'],
    ['a prefix over 32', ['--ip-prefix', '33'], {}, '--ip-prefix "33": must be from 1 to 32'],
    [
      'another port for a Talos VIP',
      ['--control-plane-endpoint-port', '8443'],
      {},
      '--control-plane-endpoint-port "8443": must be 6443 with a Talos VIP: the VIP reaches kube-apiserver on the port it listens on; or pass --external-load-balancer',
    ],
    [
      'a port beyond 65535',
      ['--external-load-balancer', '--control-plane-endpoint-port', '70000'],
      {},
      '--control-plane-endpoint-port "70000": must be from 1 to 65535',
    ],
    [
      "a load balancer on a machine's address",
      ['--external-load-balancer', '--control-plane-endpoint-ip', '10.0.0.30'],
      {},
      '--control-plane-endpoint-ip "10.0.0.30": must be outside --node-ip-ranges',
    ],
    [
      'a malformed DNS server',
      ['--dns-servers', '10.0.0.1,dns.example'],
      {},
      '--dns-servers "10.0.0.1,dns.example": must be an IPv4 address',
    ],
    [
      'an unknown Kubernetes version',
      ['--kubernetes-version', 'v1.29.0'],
      {},
      '--kubernetes-version "v1.29.0": v1.29.0 is not in Capstan\'s version catalog; choose one of v1.30.14,',
    ],
    [
      'an unknown Talos version',
      ['--talos-version', 'v1.9.0'],
      {},
      '--talos-version "v1.9.0": v1.9.0 is not in Capstan\'s version catalog; choose one of v1.10.7, v1.11.5, v1.12.0',
    ],
    [
      'versions Talos cannot pair',
      ['--kubernetes-version', 'v1.35.0', '--talos-version', 'v1.10.7'],
      {},
      '--kubernetes-version "v1.35.0": Talos v1.10.7 runs Kubernetes v1.28 to v1.33, not v1.35.0',
    ],
    ['a version without its v', ['--kubernetes-version', '1.33.4'], {}, '--kubernetes-version "1.33.4": must look like v1.33.4'],
    ['a non-numeric disk size', ['--boot-volume-size', '20G'], {}, '--boot-volume-size "20G": must be a whole number'],
    ['a small disk', ['--boot-volume-size', '5'], {}, '--boot-volume-size "5": must be at least 10 GB'],
    [
      'a non-numeric memory size (from MEMORY_MIB)',
      [],
      { MEMORY_MIB: '4Gi' },
      'MEMORY_MIB (for --memory-mib) "4Gi": must be a whole number',
    ],
    ['no cores', ['--num-cores', '0'], {}, '--num-cores "0": must be at least 1'],
    ['too little memory', ['--memory-mib', '512'], {}, '--memory-mib "512": must be at least 1024 MiB: Talos does not boot with less'],
    ['memory not a multiple of 8', ['--memory-mib', '4097'], {}, '--memory-mib "4097": must be a multiple of 8'],
    ['another boot disk', ['--boot-volume-device', 'virtio0'], {}, '--boot-volume-device "virtio0": must be scsi0'],
    [
      'a template VMID below 100',
      ['--template-vmid', '99'],
      {},
      '--template-vmid "99": must be at least 100: Proxmox VE numbers guests from 100',
    ],
    ['a zero drain timeout', ['--node-drain-timeout', '0'], {}, '--node-drain-timeout "0": must be above 0'],
    [
      'a malformed drain timeout',
      ['--node-drain-timeout', '2 minutes'],
      {},
      '--node-drain-timeout "2 minutes": must be a duration like 90s or 10m',
    ],
    ['a bad namespace', ['--target-namespace', 'Team_A'], {}, '--target-namespace "Team_A": must be a DNS-1123 label'],
  ];

  it.each(refusals)('refuses %s, naming the flag', async (_case, args, env, line) => {
    const { code, out, err } = await capstan(['generate', 'cluster', 'beta', ...proxmoxFlags, ...args], env);
    expect(out).toBe('');
    expect(code).toBe(1);
    expect(err).toMatch(/^capstan: cannot generate cluster beta: a value is invalid\n/);
    expect(err).toContain(`\n  - ${line}`);
    expect(err).toContain('hint: capstan generate cluster --help');
  });

  it.each([
    ['uppercase', 'Alpha', 'must be a DNS-1123 label'],
    ['an underscore', 'al_pha', 'must be a DNS-1123 label'],
    ['59 characters', 'x'.repeat(59), 'must be at most 58 characters: the MachineDeployment <name>-md-0 is a label value (63 at most)'],
    ['64 characters', 'x'.repeat(64), 'must be at most 58 characters'],
  ])('refuses a name with %s', async (_case, name, message) => {
    const { code, err } = await capstan(['generate', 'cluster', name, ...proxmoxFlags]);
    expect(code).toBe(1);
    expect(err).toContain(`  - the cluster name ${JSON.stringify(name)}: ${message}`);
  });

  it('offers only the flavors it renders', async () => {
    const { code, err } = await capstan(['generate', 'cluster', 'beta', ...proxmoxFlags, '--flavor', 'kustomize']);
    expect(code).toBe(1);
    expect(err).toContain("argument 'kustomize' is invalid. Allowed choices are plain, topology.");
  });

  it('names each flag with its clusterctl variable and default in --help', async () => {
    const { code, out } = await capstan(['generate', 'cluster', '--help']);
    expect(code).toBe(0);
    for (const text of [
      '--worker-machine-count <count>',
      '(default: 0) [WORKER_MACHINE_COUNT]',
      '[PROXMOX_SOURCENODE]',
      '[NODE_IP_RANGES]',
    ])
      expect(out).toContain(text);
  });

  it('marks a load balancer of your own on the ProxmoxCluster, and the mapping sets no VIP', async () => {
    const args = ['--external-load-balancer', '--control-plane-endpoint-ip', '192.168.5.5', '--control-plane-endpoint-port', '8443'];
    const { objects } = await generate('lb', [...proxmoxFlags, ...args]);
    const proxmox = objects.find((o) => o.kind === 'ProxmoxCluster');
    expect(proxmox?.metadata).toEqual({
      name: 'lb',
      namespace: 'default',
      annotations: { 'capstan.dev/control-plane-endpoint': 'external-load-balancer' },
    });
    const result = mapped(objects, 'default', 'lb');
    expect(result.ok && result.desired.network.controlPlaneEndpoint).toEqual({
      host: '192.168.5.5',
      port: 8443,
      externalLoadBalancer: true,
    });
  });

  it('runs the example of capstan --help as printed', async () => {
    const help = (await capstan(['--help'])).out;
    const start = help.indexOf('capstan generate cluster ');
    const lines: string[] = [];
    for (const line of help.slice(start).split('\n')) {
      lines.push(line.replace(/\\$/, ''));
      if (!line.endsWith('\\')) break;
    }
    const [, , , name, ...args] = lines.join(' ').replace(/\|.*$/, '').trim().split(/\s+/);
    expect(name).toBe('demo');
    const { objects } = await generate(name ?? '', args);
    const result = mapped(objects, 'default', 'demo');
    expect(result.warnings.map(describeIssue)).toEqual([]);
    expect(result.ok ? [] : result.errors.map(describeIssue)).toEqual([]);
  });

  it("places VMs on the source node when ALLOWED_NODES is CAPMOX's default []", async () => {
    const { objects } = await generate('alpha', proxmoxFlags, { ALLOWED_NODES: '[]' });
    const proxmox = objects.find((o) => o.kind === 'ProxmoxCluster') as unknown as { spec: { allowedNodes: string[] } };
    expect(proxmox.spec.allowedNodes).toEqual(['pve1']);
  });

  it('takes the namespace from the global --namespace when --target-namespace is absent', async () => {
    const { objects } = await generate('alpha', [...proxmoxFlags, '-n', 'team-b']);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['team-b']));
  });
});
