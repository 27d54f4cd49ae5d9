// Reality changes behind Capstan's back, and the cluster workflow observes it within one interval:
// a VM stopped, destroyed or migrated by hand, a Node deleted, a kubelet that stops reporting, an
// etcd member gone unhealthy. Without a MachineHealthCheck that is reported (conditions on the
// Machines and in the progress), as in Cluster API; with one, machines are remediated — workers
// by replacement, control planes one at a time with etcd quorum kept.
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteClusterSignal, desiredClusterSignal, type ClusterProgress, type MachineProgress } from '../../api/cluster-messages.ts';
import { kubeconfigSecret } from '../../api/cluster-secrets.ts';
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';
import type { HealthCheckInput } from '../../api/health-check.ts';
import { KubernetesSecretStore } from '../../activities/kubernetes/secret-store.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { inventoryViolations } from '../harness/inventory-invariant.ts';
import { pveClient, waitForTask } from '../sim/proxmox-helpers.ts';
import { ClusterProbe, startClusterWorkflow, type ClusterHandle } from './cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';

let stack: LifecycleStack;
let handle: ClusterHandle;
let probe: ClusterProbe;
beforeAll(async () => {
  stack = await startLifecycleStack('observe');
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

const cluster = 'kappa';
const interval = 5;
let spec: DesiredClusterInput = simDesiredCluster(cluster, 89, {
  controlPlane: { replicas: 3, machine: simMachineShape },
  machineDeployments: [{ name: 'md-0', replicas: 2, machine: simMachineShape, nodeDrainTimeoutSeconds: 2 }],
  observeIntervalSeconds: interval,
});
const change = (next: Partial<DesiredClusterInput>): DesiredClusterInput => {
  spec = { ...spec, ...next, generation: spec.generation + 1 };
  return spec;
};
const progress = (): Promise<ClusterProgress> => probe.progress();
const condition = (m: MachineProgress | undefined, type: string) => m?.conditions?.find((c) => c.type === type);
/** Until the progress, observed again, satisfies `check` (a few observation intervals at most); returns that progress. */
const observed = (check: (p: ClusterProgress) => boolean, what: string, timeoutMs = 6 * interval * 1000): Promise<ClusterProgress> =>
  eventually(
    async () => {
      const now = await progress();
      if (!check(now)) {
        const machines = now.machines.map(
          (m) =>
            `${m.name} ${m.phase} ready=${m.ready} ${m.activity ?? ''} ${(m.conditions ?? [])
              .filter((c) => c.status !== 'True')
              .map((c) => `${c.type}=${c.status}/${c.reason}`)
              .join(',')}`,
        );
        throw new Error(
          `not observed yet: ${what}: ${now.phase} ${now.held ?? ''} ${now.operation?.summary ?? ''} ${now.operation?.currentStep ?? ''}\n${machines.join('\n')}\n${JSON.stringify(now.healthChecks)}\n${JSON.stringify(now.blocked)}\n${JSON.stringify(now.recent.slice(-4))}`,
        );
      }
      return now;
    },
    timeoutMs,
    500,
  );
const machine = (p: ClusterProgress, name: string) => p.machines.find((m) => m.name === name);
const workers = (p: ClusterProgress) => p.machines.filter((m) => m.role === 'worker');
const controlPlanes = (p: ClusterProgress) => p.machines.filter((m) => m.role === 'control-plane');
const violations = (): string[] => invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), { cluster });
const api = () => pveClient(stack.proxmox);
const vmOf = (name: string) => stack.proxmox.vms().find((vm) => vm.name === name);

async function machineObject(
  name: string,
): Promise<{ spec: { providerID?: string }; status?: { conditions?: { type: string; status: string; reason?: string }[] } }> {
  return (await stack.management.kubeConfig
    .makeApiClient(CustomObjectsApi)
    .getNamespacedCustomObject({ group: 'cluster.x-k8s.io', version: 'v1beta1', namespace: 'default', plural: 'machines', name })) as never;
}

async function workloadNodes() {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(
    await new KubernetesSecretStore(stack.management.kubeConfig).read(kubeconfigSecret({ namespace: 'default', name: cluster })),
  );
  return (await kubeConfig.makeApiClient(CoreV1Api).listNode()).items;
}

const workerCheck: HealthCheckInput = {
  name: 'kappa-workers',
  selector: { matchLabels: { 'cluster.x-k8s.io/deployment-name': 'md-0' } },
  unhealthyConditions: [
    { type: 'Ready', status: 'Unknown', timeoutSeconds: 5 },
    { type: 'Ready', status: 'False', timeoutSeconds: 5 },
  ],
  maxUnhealthy: '100%',
};
const controlPlaneCheck: HealthCheckInput = {
  name: 'kappa-control-plane',
  selector: { matchLabels: { 'cluster.x-k8s.io/control-plane': '' } },
  unhealthyConditions: [{ type: 'Ready', status: 'Unknown', timeoutSeconds: 5 }],
};

describe('observing and remediating', { timeout: 600_000 }, () => {
  it('provisions, recording every machine in the management cluster with its providerID, on the Node too', async () => {
    handle = await startClusterWorkflow(stack.env.client, stack.taskQueue, spec);
    probe = new ClusterProbe(handle);
    const done = await probe.settled(1);
    expect(done.machines).toHaveLength(5);
    expect(done.availability).toMatchObject({ controlPlane: { available: true }, workers: { available: true } });
    for (const m of done.machines) {
      expect(m.providerID).toMatch(/^proxmox:\/\/[0-9a-f-]{36}$/);
      expect(condition(m, 'Ready')).toMatchObject({ status: 'True' });
      expect((await machineObject(m.name)).spec.providerID).toBe(m.providerID);
    }
    const nodes = await workloadNodes();
    expect(nodes.map((n) => [n.metadata?.name, n.spec?.providerID]).sort()).toEqual(
      done.machines.map((m) => [m.name, m.providerID]).sort(),
    );
    expect(await inventoryViolations(stack.management.kubeConfig, stack.proxmox.vms(), { cluster })).toEqual([]);
  });

  it('reports a worker VM stopped by hand within one interval, and starts nothing (no MachineHealthCheck)', async () => {
    const before = await progress();
    const victim = workers(before)[0]!;
    const vm = vmOf(victim.name)!;
    await waitForTask(api(), vm.node, await api().nodes.$(vm.node).qemu.$(vm.vmid).status.stop.$post());
    const stopped = await observed((p) => condition(machine(p, victim.name), 'InfrastructureReady')?.status === 'False', 'the stopped VM');
    expect(condition(machine(stopped, victim.name), 'InfrastructureReady')).toMatchObject({ reason: 'VMStopped' });
    expect(stopped.availability?.workers).toMatchObject({ available: false, reason: 'NotEnoughReadyWorkers' });
    const conditions = (await machineObject(victim.name)).status?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'InfrastructureReady')).toMatchObject({ status: 'False', reason: 'VMStopped' });
    expect((await progress()).operations).toBe(before.operations);
    await waitForTask(api(), vm.node, await api().nodes.$(vm.node).qemu.$(vm.vmid).status.start.$post());
    await observed((p) => condition(machine(p, victim.name), 'Ready')?.status === 'True', 'the worker Ready again');
  });

  it('follows a VM migrated by hand to another Proxmox node, and keeps it', async () => {
    const victim = workers(await progress())[1]!;
    const vm = vmOf(victim.name)!;
    const target = ['pve1', 'pve2', 'pve3'].find((n) => n !== vm.node)!;
    stack.proxmox.migrate(vm.vmid, target);
    const moved = await observed((p) => machine(p, victim.name)?.vm?.node === target, 'the migrated VM');
    expect(condition(machine(moved, victim.name), 'Ready')).toMatchObject({ status: 'True' });
    expect(moved.phase).toBe('Idle');
  });

  it('reports an unhealthy etcd member and a deleted Node, still without replacing anything', async () => {
    const before = await progress();
    const member = controlPlanes(before)[0]!;
    stack.talos.faults.etcdMemberUnhealthy(member.address!, true);
    await observed((p) => condition(machine(p, member.name), 'EtcdMemberHealthy')?.status === 'False', 'the unhealthy etcd member');
    stack.talos.faults.etcdMemberUnhealthy(member.address!, false);
    await observed((p) => condition(machine(p, member.name), 'EtcdMemberHealthy')?.status === 'True', 'the member healthy again');

    const victim = workers(before)[0]!;
    await stack.talos.faults.deleteNode(victim.address!);
    const gone = await observed((p) => condition(machine(p, victim.name), 'NodeReady')?.status === 'False', 'the deleted Node');
    expect(condition(machine(gone, victim.name), 'NodeReady')?.reason).toMatch(/NodeDeleted|NodeNotFound/);
    expect((await progress()).operations).toBe(before.operations);
  });

  it('with a MachineHealthCheck, replaces the worker whose Node was deleted and a worker whose VM was destroyed', async () => {
    const before = await progress();
    const [nodeless, doomed] = workers(before).map((m) => m.name);
    const vm = vmOf(doomed!)!;
    await waitForTask(api(), vm.node, await api().nodes.$(vm.node).qemu.$(vm.vmid).status.stop.$post());
    await waitForTask(api(), vm.node, await api().nodes.$(vm.node).qemu.$(vm.vmid).$delete());
    await handle.signal(desiredClusterSignal, change({ healthChecks: [workerCheck] }));
    const healed = await observed(
      (p) => p.phase === 'Idle' && workers(p).length === 2 && workers(p).every((m) => m.name !== nodeless && m.name !== doomed && m.ready),
      'both workers replaced',
      240_000,
    );
    expect(healed.healthChecks?.[0]).toMatchObject({
      name: 'kappa-workers',
      expectedMachines: 2,
      currentHealthy: 2,
      remediationAllowed: true,
    });
    expect(vmOf(nodeless!)).toBeUndefined();
    expect(violations()).toEqual([]);
    expect(await inventoryViolations(stack.management.kubeConfig, stack.proxmox.vms(), { cluster })).toEqual([]);
  });

  it('replaces a control plane whose kubelet stopped reporting, one at a time, keeping etcd quorum', async () => {
    await handle.signal(desiredClusterSignal, change({ healthChecks: [workerCheck, controlPlaneCheck] }));
    const before = await progress();
    const sick = controlPlanes(before)[1]!;
    stack.talos.faults.kubeletFails(sick.address!, true);
    const healed = await observed(
      (p) =>
        p.phase === 'Idle' &&
        controlPlanes(p).length === 3 &&
        !controlPlanes(p).some((m) => m.name === sick.name) &&
        controlPlanes(p).every((m) => m.ready),
      'the control plane replaced',
      240_000,
    );
    const voters = (stack.talos.clusters().find((c) => c.name === cluster)?.etcdMembers ?? [])
      .filter((m) => !m.learner)
      .map((m) => m.hostname);
    expect(voters.sort()).toEqual(
      controlPlanes(healed)
        .map((m) => m.name)
        .sort(),
    );
    expect(violations()).toEqual([]);
  });

  it('deletes the cluster, leaving nothing behind', async () => {
    const from = stack.talos.events.list().at(-1)?.seq ?? 0;
    await handle.signal(deleteClusterSignal);
    expect(await probe.deleted()).toEqual({ deleted: true });
    expect(stack.proxmox.vms().filter((vm) => vm.name?.startsWith(`${cluster}-`))).toEqual([]);
    expect(invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), { cluster, deletedAfterTalosEvent: from })).toEqual(
      [],
    );
    expect(await inventoryViolations(stack.management.kubeConfig, stack.proxmox.vms(), { cluster })).toEqual([]);
  });
});
