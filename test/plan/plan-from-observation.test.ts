// The planner on observations, for the situations the memory-based planner got wrong: a first
// control plane that never bootstrapped, machines an interrupted operation left, stray VMs, and
// machines that failed behind Capstan's back (reported, not replaced, without a health check).
import { describe, expect, it } from 'vitest';
import { planCluster } from '../../plan/cluster-plan.ts';
import { observedCluster } from '../../plan/observed-cluster.ts';
import { desired } from './cluster-fixture.ts';
import { observation, seen, seenControlPlane } from './observation-fixture.ts';

const healthy = [seenControlPlane('cp-0'), seenControlPlane('cp-1'), seenControlPlane('cp-2'), seen('md-0-0'), seen('md-0-1')];
const plan = (
  machines: Parameters<typeof observation>[0],
  overrides: Parameters<typeof observation>[1] = {},
  strayVms = [] as { name: string; node: string; vmid: number }[],
) => planCluster({ desired: desired(), observed: observedCluster(observation(machines, overrides)), strayVms });

describe('planning from an observation', () => {
  it('a cluster as desired has nothing to do', () => {
    expect(plan(healthy)).toMatchObject({ ok: true, operation: 'none' });
  });

  it('a first control plane that never bootstrapped etcd is built again, not refused for lost quorum', () => {
    const neverBuilt = seenControlPlane('cp-x', {
      bootstrap: true,
      providerID: undefined,
      vm: undefined,
      node: undefined,
      hadNode: false,
      etcd: undefined,
      talos: undefined,
    });
    const result = plan([neverBuilt], { controlPlaneInitialized: false, etcdMembers: undefined, kubernetesApi: 'none' });
    expect(result).toMatchObject({ ok: true, operation: 'provision', leftovers: ['cp-x'] });
    expect(result.ok && result.steps[0]).toBe('remove cp-x, left by an earlier attempt');
  });

  it('after etcd was bootstrapped, a control plane that never joined is removed, and quorum is judged on the real members', () => {
    const unjoined = seenControlPlane('cp-x', { providerID: undefined, vm: undefined, node: undefined, hadNode: false, etcd: undefined });
    const result = plan([seenControlPlane('cp-0'), unjoined, seen('md-0-0'), seen('md-0-1')]);
    expect(result).toMatchObject({ ok: true, operation: 'repair', machines: ['cp-x'], strayVms: [] });
  });

  it('workers an interrupted operation left half-built or half-deleted are removed first', () => {
    const halfBuilt = seen('md-0-x', { node: undefined, hadNode: false });
    const halfDeleted = seen('md-0-y', { deleting: true });
    expect(plan([...healthy, halfBuilt, halfDeleted])).toMatchObject({ operation: 'repair', machines: ['md-0-x', 'md-0-y'] });
  });

  it('stray VMs past their grace period are destroyed', () => {
    const stray = { name: 'demo-md-0-zzzzz', node: 'pve2', vmid: 10042 };
    const result = plan(healthy, {}, [stray]);
    expect(result).toMatchObject({ operation: 'repair', machines: [], strayVms: [stray] });
    expect(result.ok && result.steps).toEqual(['destroy stray VM 10042 (demo-md-0-zzzzz) on pve2']);
  });

  it.each([
    [
      'a VM stopped by hand',
      seen('md-0-1', {
        vm: { node: 'pve1', vmid: 7, status: 'stopped' },
        node: { ready: 'Unknown', kubeletVersion: 'v1.33.4', unschedulable: false, conditions: [] },
      }),
    ],
    [
      'a VM destroyed by hand',
      seen('md-0-1', { vm: undefined, node: { ready: 'Unknown', kubeletVersion: 'v1.33.4', unschedulable: false, conditions: [] } }),
    ],
    ['a Node deleted by hand', seen('md-0-1', { node: undefined })],
  ])('%s is reported, not replaced, without a MachineHealthCheck (as in CAPI)', (_, broken) => {
    const machines = [...healthy.filter((m) => m.name !== 'md-0-1'), broken];
    expect(plan(machines)).toMatchObject({ ok: true, operation: 'none' });
  });

  it('a control plane whose membership cannot be observed counts as a member, on the safe side', () => {
    const silent = observation(
      healthy.map((m) => ({ ...m, etcd: undefined })),
      { etcdMembers: undefined },
    );
    const result = planCluster({
      desired: desired({ controlPlane: { replicas: 5, machine: { cores: 2, memoryMiB: 4096, diskGiB: 20, templateVmid: 9000 } } }),
      observed: observedCluster(silent),
    });
    expect(result).toMatchObject({ ok: false, operation: 'scale-control-plane' });
    expect(!result.ok && result.reason).toContain('etcd has lost quorum');
  });
});
