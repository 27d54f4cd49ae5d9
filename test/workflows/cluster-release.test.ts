// The releaseCluster update (capstan move) on the cluster workflow: refused while an operation
// runs, accepted once idle; the run then ends with the release, deleting nothing, and answers
// `Released`. Its history is saved for the replay test (CAPSTAN_SAVE_HISTORIES=1).
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredClusterSignal, releaseClusterUpdate } from '../../api/cluster-messages.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { simDesiredCluster } from '../fixtures/desired-cluster.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { ClusterProbe, startClusterWorkflow, type ClusterHandle } from './cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';
import { saveHistoryIfAsked } from './save-history.ts';

const cluster = 'rho';
const workflowId = `cluster/default/${cluster}`;
const request = { clusterUid: 'uid-of-rho', to: 'https://other:6443 (Temporal namespace other)' };

let stack: LifecycleStack;
let handle: ClusterHandle;
let probe: ClusterProbe;
beforeAll(async () => {
  stack = await startLifecycleStack('release');
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

const vms = () => stack.proxmox.vms().filter((vm) => vm.name?.startsWith(`${cluster}-`));

describe('releaseCluster', { timeout: 300_000 }, () => {
  it('is refused while an operation runs, naming it and what to do', async () => {
    const spec = simDesiredCluster(cluster, 95, {
      machineDeployments: [{ name: 'md-0', replicas: 1, machine: simDesiredCluster(cluster, 95).controlPlane.machine }],
    });
    handle = await startClusterWorkflow(stack.env.client, stack.taskQueue, spec);
    probe = new ClusterProbe(handle);
    await eventually(
      async () => {
        if ((await probe.progress()).phase !== 'Running') throw new Error('not running yet');
      },
      60_000,
      50,
    );
    const refused = await handle.executeUpdate(releaseClusterUpdate, { args: [request] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toMatch(
      /operation "provision.*" runs .*wait for it to finish \(capstan watch rho --until-idle\)/,
    );
    await probe.settled(1);
    // A spec change after the refusal still works: the refusal left nothing behind.
    await handle.signal(desiredClusterSignal, {
      ...spec,
      generation: 2,
      machineDeployments: [{ ...spec.machineDeployments![0]!, replicas: 2 }],
    });
    await probe.settled(2);
  });

  it('once idle, ends the run with the release and deletes nothing', async () => {
    const before = vms()
      .map((vm) => vm.vmid)
      .sort();
    expect(before).toHaveLength(3);
    const accepted = await handle.executeUpdate(releaseClusterUpdate, { args: [request] });
    expect(accepted).toMatchObject(request);
    expect(await handle.result()).toEqual({ deleted: false, released: accepted });
    expect((await probe.progress()).phase).toBe('Released');
    expect(
      vms()
        .map((vm) => vm.vmid)
        .sort(),
    ).toEqual(before);
    expect(invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), { cluster })).toEqual([]);
    await saveHistoryIfAsked(stack.env, workflowId, 'cluster-released');
  });
});
