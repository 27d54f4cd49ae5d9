// The checks before building: pure judgements of placement and patches, and the activity against
// the Proxmox simulator over HTTP, as the workflow calls it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPlan } from '../../../api/cluster-plan.ts';
import { DesiredCluster } from '../../../api/desired-cluster.ts';
import { describePreflightProblem, type PreflightInput } from '../../../api/preflight.ts';
import { createPreflightActivities } from '../../../activities/preflight/preflight-activities.ts';
import { placementProblems, type ListedVm, type NodeCapacity } from '../../../activities/proxmox/placement-preflight.ts';
import { oneProxmoxClient } from '../../../activities/proxmox/proxmox-clients.ts';
import { ProxmoxClient } from '../../../activities/proxmox/proxmox-client.ts';
import { patchProblems } from '../../../activities/talos/patches-preflight.ts';
import { preflightFor } from '../../../plan/preflight-input.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../../sim/proxmox/index.ts';
import { simDesiredCluster, simMachineShape } from '../../fixtures/desired-cluster.ts';

const provision = { ok: true, summary: 'provision', steps: [], operation: 'provision', leftovers: [] } as const satisfies ClusterPlan;
const sources = { template: 'demo-cp', config: 'demo' };

function input(overrides: Parameters<typeof simDesiredCluster>[2] = {}): PreflightInput {
  const desired = DesiredCluster.parse(
    simDesiredCluster('demo', 41, {
      controlPlane: { replicas: 1, machine: simMachineShape, sources },
      machineDeployments: [{ name: 'md-0', replicas: 1, machine: simMachineShape, sources: { template: 'demo-cp', config: 'demo-md-0' } }],
      proxmox: { allowedNodes: ['pve1', 'pve2'], source: 'demo' },
      ...overrides,
    }),
  );
  const checked = preflightFor(desired, provision);
  if (!checked) throw new Error('provision is always checked');
  return checked;
}

const nodes: NodeCapacity[] = [
  { node: 'pve1', cpus: 16, memoryMiB: 65536 },
  { node: 'pve2', cpus: 8, memoryMiB: 32768 },
  { node: 'pve3' }, // offline: no sizes
];
const vms: ListedVm[] = [
  { vmid: 9000, node: 'pve1', name: 'talos-template', template: true },
  { vmid: 120, node: 'pve2', name: 'web', template: false },
];
const texts = (problems: readonly Parameters<typeof describePreflightProblem>[0][]): string[] => problems.map(describePreflightProblem);

describe('placementProblems', () => {
  it('passes a spec that fits', () => {
    expect(placementProblems(input(), nodes, vms)).toEqual([]);
  });

  it('names an allowed node that does not exist, with the nodes there are', () => {
    expect(texts(placementProblems(input({ proxmox: { allowedNodes: ['pve1', 'pve9'], source: 'demo' } }), nodes, vms))).toEqual([
      'ProxmoxCluster default/demo spec.allowedNodes[1]: pve9 is not a node of this Proxmox VE cluster (its nodes: pve1, pve2, pve3): name an existing node',
    ]);
  });

  it('names a template VM that is missing or is not a template, once per template', () => {
    const missing = input({ controlPlane: { replicas: 1, machine: { ...simMachineShape, templateVmid: 9100 }, sources } });
    expect(texts(placementProblems(missing, nodes, vms))).toEqual([
      'ProxmoxMachineTemplate default/demo-cp spec.template.spec.templateID: VM 9100 does not exist in the Proxmox VE cluster: set the VMID of the Talos template to clone',
    ]);
    const plainVm = input({ controlPlane: { replicas: 1, machine: { ...simMachineShape, templateVmid: 120 }, sources } });
    expect(texts(placementProblems(plainVm, nodes, vms))[0]).toContain('VM 120 (web on pve2) is not a template: convert it to a template');
  });

  it('refuses memory above every allowed node and vCPUs above every allowed node, ignoring nodes not allowed', () => {
    const huge = input({
      controlPlane: { replicas: 1, machine: { ...simMachineShape, memoryMiB: 10 * 2 ** 20, cores: 8, sockets: 4 }, sources },
      proxmox: { allowedNodes: ['pve2'], source: 'demo' },
    });
    expect(texts(placementProblems(huge, nodes, vms))).toEqual([
      'ProxmoxMachineTemplate default/demo-cp spec.template.spec.memoryMiB: 10485760 MiB is more memory than any allowed node has (pve2: 32768 MiB): lower it, or allow a larger node',
      'ProxmoxMachineTemplate default/demo-cp spec.template.spec.numCores: 32 vCPUs (numCores × numSockets) is more than any allowed node has (pve2: 8): Proxmox VE would refuse to start the VM; lower it',
    ]);
  });

  it('judges nothing when the operation clones no VM', () => {
    const bad = input({ proxmox: { allowedNodes: ['pve9'], source: 'demo' } });
    expect(placementProblems({ ...bad, groups: bad.groups.map((g) => ({ ...g, clones: false })) }, nodes, vms)).toEqual([]);
  });
});

describe('patchProblems', () => {
  it('passes patches that apply', async () => {
    const good = input({
      controlPlane: {
        replicas: 1,
        machine: simMachineShape,
        sources,
        talos: { strategicPatches: ['machine:\n  sysctls:\n    vm.max_map_count: "262144"\n'], configPatches: [] },
      },
    });
    expect(await patchProblems(good.groups)).toEqual([]);
  });

  it('names the patch whose path does not exist, in the object the user wrote it in', async () => {
    const bad = input({
      machineDeployments: [
        {
          name: 'md-0',
          replicas: 1,
          machine: simMachineShape,
          sources: { template: 'demo-cp', config: 'demo-md-0' },
          talos: {
            strategicPatches: [],
            configPatches: [
              { op: 'add', path: '/machine/kubelet/extraArgs', value: { 'max-pods': '200' } },
              { op: 'replace', path: '/machine/nosuch/disk', value: '/dev/vdb' },
            ],
          },
        },
      ],
    });
    const problems = texts(await patchProblems(bad.groups));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^TalosConfigTemplate default\/demo-md-0 spec\.template\.spec\.configPatches\[1\] \(replace \/machine\/nosuch\/disk\): .+: fix the patch or remove it$/,
    );
  });

  it('refuses patches that leave an invalid machine config', async () => {
    const bad = input({
      controlPlane: {
        replicas: 1,
        machine: simMachineShape,
        sources,
        talos: { strategicPatches: [], configPatches: [{ op: 'replace', path: '/machine/type', value: 'router' }] },
      },
    });
    const [problem] = await patchProblems(bad.groups);
    expect(problem?.object).toBe('TalosControlPlane default/demo');
    expect(problem?.field).toBe('spec.controlPlaneConfig.controlplane');
    expect(problem?.message).toMatch(/^the patched machine config is not valid \(.*machine\.type.*\): fix the patches$/);
  });
});

describe('clusterPreflight against the Proxmox simulator', () => {
  let sim: ProxmoxSim;
  let activities: ReturnType<typeof createPreflightActivities>;
  beforeAll(async () => {
    sim = await startProxmoxSim({ scale: 0.002, seed: 11 });
    activities = createPreflightActivities({
      proxmox: oneProxmoxClient(
        new ProxmoxClient({ baseUrl: sim.url, tokenId: sim.token.id, tokenSecret: sim.token.secret, caPem: sim.caPem }),
      ),
    });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('finds nothing wrong with a spec the simulator can build', async () => {
    expect(await activities.clusterPreflight(input())).toEqual({ problems: [] });
  });

  it('reports every problem at once, and creates no VM', async () => {
    const before = sim.vms().length;
    const bad = input({
      controlPlane: { replicas: 1, machine: { ...simMachineShape, templateVmid: 9100, memoryMiB: 10 * 2 ** 20 }, sources },
      proxmox: { allowedNodes: ['pve1', 'pve9'], source: 'demo' },
    });
    const { problems } = await activities.clusterPreflight(bad);
    expect(problems.map((p) => p.field)).toEqual(['spec.allowedNodes[1]', 'spec.template.spec.templateID', 'spec.template.spec.memoryMiB']);
    expect(sim.vms()).toHaveLength(before);
  });
});
