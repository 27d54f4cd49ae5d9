import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { assertHistoryClean } from '../harness/history-hygiene.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { inventoryViolations } from '../harness/inventory-invariant.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../embedded/servers/eventually.ts';
import type { CreateMachineInput, CreatedMachine } from '../../api/machine-operations.ts';
import type { createMachineWorkflow, deleteMachineWorkflow } from '../../workflows/index.ts';
import { KubernetesSecretStore } from '../../activities/kubernetes/secret-store.ts';
import { kubeconfigSecret } from '../../api/cluster-secrets.ts';

const cluster = { namespace: 'default', name: 'delta' };
const endpoint = '127.0.80.10';
let stack: LifecycleStack;
let management: LifecycleStack['management'];
let proxmox: LifecycleStack['proxmox'];
let talos: LifecycleStack['talos'];
let env: LifecycleStack['env'];
let taskQueue: string;

beforeAll(async () => {
  stack = await startLifecycleStack('machine-workflows');
  ({ management, proxmox, talos, env, taskQueue } = stack);
  const { activities } = stack;
  // What the provision operation does before its first machine: secrets, endpoint, talosconfig.
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A) =>
    new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(fn, ...args);
  await run(activities.talosEnsureClusterSecrets, cluster);
  await run(
    activities.ipamReserve,
    { namespace: 'default', cluster: 'delta', poolName: 'delta', pool: pool.pool, owner: 'delta-control-plane-endpoint' },
    endpoint,
  );
  await run(activities.talosWriteTalosconfig, cluster, [endpoint]);
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

const pool = { poolName: 'delta', pool: { addresses: ['127.0.80.11-127.0.80.30'], prefix: 24, gateway: '127.0.80.1' } };
const vm = { templateVmid: 9000, allowedNodes: ['pve1', 'pve2', 'pve3'], cores: 2, memoryMiB: 2048, diskGiB: 20 };
function machineInput(machine: string, role: 'control-plane' | 'worker', bootstrap: boolean): CreateMachineInput {
  return {
    cluster,
    machine,
    role,
    ...(role === 'worker' ? { deployment: 'md-0' } : {}),
    intent: {
      cluster,
      machine,
      role,
      ...(role === 'worker' ? { deployment: 'md-0' } : {}),
      kubernetesVersion: 'v1.34.2',
      talosVersion: 'v1.11.5',
      shapeHash: 'c0ffee0123456789',
      bootstrap,
      vm,
    },
    pool,
    vm,
    config: {
      machineType: role === 'control-plane' ? 'controlplane' : 'worker',
      clusterName: 'delta',
      controlPlaneEndpoint: `https://${endpoint}:6443`,
      kubernetesVersion: 'v1.34.2',
      installerImage: 'ghcr.io/siderolabs/installer:v1.11.5',
      // Without it nothing answers at the endpoint and the node never shows Ready (as on real Talos).
      ...(role === 'control-plane' ? { sharedIp: endpoint } : {}),
    },
    bootstrap,
  };
}

describe('machine workflows against the Proxmox and Talos simulators', () => {
  let controlPlane: CreatedMachine;
  let workerMachine: CreatedMachine;

  it('creates the first control-plane machine: VM, config, bootstrap, kubeconfig, node Ready', async () => {
    controlPlane = await env.client.workflow.execute<typeof createMachineWorkflow>('createMachineWorkflow', {
      taskQueue,
      workflowId: 'cluster/default/delta/machine/delta-cp-1/create',
      args: [machineInput('delta-cp-1', 'control-plane', true)],
    });
    await assertHistoryClean(env, 'cluster/default/delta/machine/delta-cp-1/create', [proxmox.token.secret]);
    expect(controlPlane).toMatchObject({ machine: 'delta-cp-1', address: { ip: '127.0.80.11', prefix: 24 }, kubeletVersion: 'v1.34.2' });
    expect(proxmox.vms().filter((v) => v.name === 'delta-cp-1')).toHaveLength(1);
    expect(talos.clusters().find((c) => c.name === 'delta')).toMatchObject({ bootstrapped: true });
    const kubeconfig = await new KubernetesSecretStore(management.kubeConfig).read(kubeconfigSecret(cluster));
    expect(kubeconfig).toContain(`https://${endpoint}:6443`);
  });

  it('adds a worker and deletes it again, leaving no VM, address or Node behind', async () => {
    workerMachine = await env.client.workflow.execute<typeof createMachineWorkflow>('createMachineWorkflow', {
      taskQueue,
      workflowId: 'cluster/default/delta/machine/delta-w-1/create',
      args: [machineInput('delta-w-1', 'worker', false)],
    });
    await assertHistoryClean(env, 'cluster/default/delta/machine/delta-w-1/create', [proxmox.token.secret]);
    expect(workerMachine.address.ip).toBe('127.0.80.12');
    const workload = new KubeConfig();
    workload.loadFromString(await new KubernetesSecretStore(management.kubeConfig).read(kubeconfigSecret(cluster)));
    const workloadCore = workload.makeApiClient(CoreV1Api);
    // The sample workload's two web pods wait for a worker, and its PodDisruptionBudget (minAvailable 1)
    // cannot let both leave the only one: the drain proceeds at its timeout, as CAPI's nodeDrainTimeout
    // does. Waiting for them makes the run the same however fast the pods were placed.
    await eventually(async () => {
      const pods = await workloadCore.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
      expect(pods.items.map((p) => p.spec?.nodeName)).toEqual(['delta-w-1', 'delta-w-1']);
    }, 30_000);
    await env.client.workflow.execute<typeof deleteMachineWorkflow>('deleteMachineWorkflow', {
      taskQueue,
      workflowId: 'cluster/default/delta/machine/delta-w-1/delete',
      args: [
        {
          cluster,
          machine: 'delta-w-1',
          role: 'worker',
          vm: workerMachine.vm,
          address: workerMachine.address.ip,
          vmSpec: { ...vm, cluster: 'default/delta', machine: 'delta-w-1', address: workerMachine.address },
          drainTimeoutSeconds: 2,
          drainTimeoutAction: 'Proceed',
        },
      ],
    });
    await assertHistoryClean(env, 'cluster/default/delta/machine/delta-w-1/delete', [proxmox.token.secret]);
    expect(proxmox.vms().filter((v) => v.name === 'delta-w-1')).toEqual([]);
    expect(invariantViolations(proxmox.events.list(), talos.events.list(), { cluster: 'delta' })).toEqual([]);
    expect(await inventoryViolations(management.kubeConfig, proxmox.vms(), { cluster: 'delta' })).toEqual([]);
    const addresses = (await management.kubeConfig.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
      group: 'ipam.cluster.x-k8s.io',
      version: 'v1beta1',
      namespace: 'default',
      plural: 'ipaddresses',
    })) as { items: Array<{ spec: { claimRef: { name: string } } }> };
    expect(addresses.items.map((a) => a.spec.claimRef.name).sort()).toEqual(['delta-control-plane-endpoint', 'delta-cp-1']);
    const nodes = await workloadCore.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['delta-cp-1']);
  });

  it('keeps every key, certificate and token out of the workflow histories', async () => {
    const secretsInUse = [proxmox.token.secret, 'PRIVATE KEY', 'BEGIN CERTIFICATE', 'LS0tLS1CRUdJTi'];
    for (const workflowId of [
      'cluster/default/delta/machine/delta-cp-1/create',
      'cluster/default/delta/machine/delta-w-1/create',
      'cluster/default/delta/machine/delta-w-1/delete',
    ]) {
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      const decoded = bytesAsText(history);
      expect(decoded).toContain('delta-'); // the scan sees the payloads
      expect(decoded).toContain('127.0.80.1');
      for (const secret of secretsInUse) {
        expect(decoded.includes(secret), `${secret.slice(0, 12)}… in ${workflowId}`).toBe(false);
      }
    }
  });
});

/** Every string and byte field of a history (payloads are bytes), as one text to search. */
function bytesAsText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(bytesAsText).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(bytesAsText).join('\n');
  return '';
}
