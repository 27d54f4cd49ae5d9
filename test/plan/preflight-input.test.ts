import { describe, expect, it } from 'vitest';
import type { ClusterPlan, Operation } from '../../api/cluster-plan.ts';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { preflightFor } from '../../plan/preflight-input.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';

const desired = DesiredCluster.parse(
  simDesiredCluster('demo', 40, {
    controlPlane: { replicas: 1, machine: simMachineShape, sources: { template: 'demo-cp', config: 'demo' } },
    machineDeployments: [
      { name: 'md-0', replicas: 2, machine: simMachineShape, sources: { template: 'demo-md', config: 'demo-md-0' } },
      { name: 'md-1', replicas: 1, machine: { ...simMachineShape, memoryMiB: 8192 } },
    ],
    proxmox: { allowedNodes: ['pve1'], source: 'demo-pve' },
  }),
);
const versions = { kubernetes: 'v1.34.2', talos: 'v1.11.5' };
type Planned = Extract<ClusterPlan, { ok: true }>;
const planned = (operation: Operation): Planned => ({ ok: true, summary: 's', steps: [], ...operation });
const clones = (plan: Planned): boolean[] | undefined => preflightFor(desired, plan)?.groups.map((g) => g.clones);

describe('preflightFor', () => {
  it('checks nothing for operations that build nothing', () => {
    expect(preflightFor(desired, planned({ operation: 'delete' }))).toBeUndefined();
    expect(preflightFor(desired, planned({ operation: 'repair', machines: [], strayVms: [] }))).toBeUndefined();
  });

  it('checks placement only for the groups an operation clones VMs for', () => {
    expect(clones(planned({ operation: 'provision', leftovers: [] }))).toEqual([true, true, true]);
    expect(clones(planned({ operation: 'upgrade', from: versions, to: versions, hops: [] }))).toEqual([false, false, false]);
    expect(clones(planned({ operation: 'scale-control-plane', from: 1, to: 3, controlPlaneSteps: [] }))).toEqual([true, false, false]);
    expect(clones(planned({ operation: 'scale-control-plane', from: 3, to: 1, controlPlaneSteps: [] }))).toEqual([false, false, false]);
    expect(clones(planned({ operation: 'scale-machine-deployment', deployment: 'md-1', from: 1, to: 2, create: 1, delete: [] }))).toEqual([
      false,
      false,
      true,
    ]);
    expect(
      clones(planned({ operation: 'scale-machine-deployment', deployment: 'md-1', from: 2, to: 1, create: 0, delete: ['x'] })),
    ).toEqual([false, false, false]);
    expect(clones(planned({ operation: 'rollout-machine-deployment', deployment: 'md-0', batches: [] }))).toEqual([false, true, false]);
  });

  it('names the objects each group came from, and says whose they are when the spec does not know', () => {
    const input = preflightFor(desired, planned({ operation: 'provision', leftovers: [] }));
    expect(input?.proxmoxObject).toBe('ProxmoxCluster default/demo-pve');
    expect(input?.groups.map((g) => [g.templateObject, g.configObject, g.patchesPath])).toEqual([
      ['ProxmoxMachineTemplate default/demo-cp', 'TalosControlPlane default/demo', 'spec.controlPlaneConfig.controlplane'],
      ['ProxmoxMachineTemplate default/demo-md', 'TalosConfigTemplate default/demo-md-0', 'spec.template.spec'],
      ['the ProxmoxMachineTemplate of demo-md-1-preflight', 'the TalosConfigTemplate of demo-md-1-preflight', 'spec.template.spec'],
    ]);
    expect(input?.groups[2]?.vm).toEqual({ templateVmid: 9000, cores: 2, sockets: 1, memoryMiB: 8192 });
  });

  it('renders the sample machines as real ones: an address from the pool, the endpoint seen, each role', () => {
    const input = preflightFor(desired, planned({ operation: 'provision', leftovers: [] }), '127.0.40.12');
    const [cp, worker] = input?.groups ?? [];
    expect(cp?.config).toMatchObject({
      machineType: 'controlplane',
      controlPlaneEndpoint: 'https://127.0.40.12:6443',
      network: { addresses: ['127.0.40.10/24'], gateway: '127.0.40.1' },
    });
    expect(worker?.config.machineType).toBe('worker');
  });
});
