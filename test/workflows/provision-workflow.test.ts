import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';
import { parseTalosconfig } from '../../activities/talos/machine-api/talosconfig-credentials.ts';
import { KubernetesSecretStore } from '../../activities/kubernetes/secret-store.ts';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { deleteClusterWorkflow, provisionWorkflow } from '../../workflows/index.ts';
import { inventoryViolations } from '../harness/inventory-invariant.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';
import { assertHistoryClean } from '../harness/history-hygiene.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';
import { saveHistoryIfAsked } from './save-history.ts';
import { kubeconfigSecret, talosconfigSecret } from '../../api/cluster-secrets.ts';

let stack: LifecycleStack;
beforeAll(async () => {
  stack = await startLifecycleStack('provision', 'time-skipping', { externalLoadBalancers: [`${balancerAddress}:6443`] });
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

// The load balancer of cluster "lbc": outside its pool, as a user's own would be.
const balancerAddress = '127.0.123.5';
const shape = simMachineShape;
const desired = (overrides: Partial<DesiredClusterInput> = {}): DesiredClusterInput => simDesiredCluster('zeta', 85, overrides);

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const empty = { machines: [], bootstrapped: false };
const provision = (spec: DesiredClusterInput) => ({ desired: spec, observed: empty, summary: `provision ${spec.name}`, leftovers: [] });

interface RecordedMachine {
  readonly machine: string;
  readonly role: string;
  readonly address: { ip: string; prefix: number; dns: string[] };
  readonly vm: { readonly node: string; readonly vmid: number };
  readonly providerID: string;
  readonly bootstrap: boolean;
}

/** The machines of a cluster as its Machine and ProxmoxMachine objects record them (what the workflows wrote). */
async function recordedMachines(cluster: string): Promise<RecordedMachine[]> {
  const api = stack.management.kubeConfig.makeApiClient(CustomObjectsApi);
  const list = async (group: string, version: string, plural: string) =>
    (
      (await api.listNamespacedCustomObject({
        group,
        version,
        namespace: 'default',
        plural,
        labelSelector: `cluster.x-k8s.io/cluster-name=${cluster}`,
      })) as {
        items: {
          metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
          spec: Record<string, unknown>;
          status?: Record<string, unknown>;
        }[];
      }
    ).items;
  const machines = await list('cluster.x-k8s.io', 'v1beta1', 'machines');
  const infra = await list('infrastructure.cluster.x-k8s.io', 'v1alpha1', 'proxmoxmachines');
  const addresses = await list('ipam.cluster.x-k8s.io', 'v1beta1', 'ipaddresses');
  const addressOf = (owner: string): string =>
    text(addresses.find((a) => (a.spec['claimRef'] as { name?: string } | undefined)?.name === owner)?.spec['address']);
  return machines
    .map((m) => {
      const pm = infra.find((p) => p.metadata.name === m.metadata.name);
      const ip = addressOf(m.metadata.name);
      return {
        machine: m.metadata.name,
        role: m.metadata.labels?.['cluster.x-k8s.io/control-plane'] === undefined ? 'worker' : 'control-plane',
        address: { ip, prefix: 24, dns: [] },
        vm: { node: text(pm?.spec['target']), vmid: Number(pm?.spec['virtualMachineID'] ?? 0) },
        providerID: text(m.spec['providerID']),
        bootstrap: m.metadata.annotations?.['capstan.dev/bootstraps-etcd'] === 'true',
      };
    })
    .sort((a, b) => Number(b.bootstrap) - Number(a.bootstrap) || (a.role === b.role ? 0 : a.role === 'control-plane' ? -1 : 1));
}

describe('provision and delete workflows', () => {
  let provisioned: RecordedMachine[];

  it('builds a cluster of three control planes and two workers, all Ready, with its Secrets', async () => {
    const outcome = await stack.env.client.workflow.execute<typeof provisionWorkflow>('provisionWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: 'cluster/default/zeta/provision/1',
      args: [provision(desired({ controlPlane: { replicas: 3, machine: shape } }))],
    });
    expect(outcome).toEqual({ outcome: 'Succeeded' });
    // What the run built is recorded in the management cluster, not handed back.
    const result = { endpoint: '127.0.85.10', machines: await recordedMachines('zeta') };
    provisioned = result.machines;
    expect(result.machines.every((m) => /^proxmox:\/\/[0-9a-f-]{36}$/.test(m.providerID))).toBe(true);
    expect(await inventoryViolations(stack.management.kubeConfig, stack.proxmox.vms(), { cluster: 'zeta' })).toEqual([]);
    // The provision and its five machine children.
    expect(await assertHistoryClean(stack.env, 'cluster/default/zeta/provision/1', [stack.proxmox.token.secret])).toHaveLength(6);
    await saveHistoryIfAsked(stack.env, 'cluster/default/zeta/provision/1', 'provision-3cp-2w');
    await saveHistoryIfAsked(
      stack.env,
      `cluster/default/zeta/machine/${result.machines[0]?.machine ?? ''}/create`,
      'create-machine-bootstrap',
    );
    expect(result.machines.map((m) => m.role)).toEqual(['control-plane', 'control-plane', 'control-plane', 'worker', 'worker']);
    expect(new Set(result.machines.map((m) => m.address.ip)).size).toBe(5);
    const etcd = stack.talos.clusters().find((c) => c.name === 'zeta');
    expect(etcd).toMatchObject({ bootstrapped: true, quorum: true, apiAvailable: true });
    expect(etcd?.etcdClusters).toHaveLength(1); // bootstrapped exactly once: no split brain
    // The endpoint answers because one control plane announces it as the Talos VIP every control plane carries.
    const controlPlaneAddresses = result.machines.filter((m) => m.role === 'control-plane').map((m) => m.address.ip);
    expect(etcd?.sharedIps).toEqual([expect.objectContaining({ ip: result.endpoint })]);
    expect(controlPlaneAddresses).toContain(etcd?.sharedIps[0]?.holder);
    await expect
      .poll(
        () =>
          stack.talos
            .clusters()
            .find((c) => c.name === 'zeta')
            ?.etcdMembers.filter((m) => !m.learner).length,
        { timeout: 20_000 },
      )
      .toBe(3);
    // No VM twice for one machine, and one VM per machine.
    const names = stack.proxmox
      .vms()
      .map((vm) => vm.name)
      .filter((n) => n?.startsWith('zeta-'));
    expect(names.sort()).toEqual(result.machines.map((m) => m.machine).sort());

    const secrets = new KubernetesSecretStore(stack.management.kubeConfig);
    // talosctl goes to the control planes themselves, never through the VIP (Talos' VIP caveats).
    const talosconfig = parseTalosconfig(await secrets.read(talosconfigSecret({ namespace: 'default', name: 'zeta' })));
    expect([...talosconfig.endpoints].sort()).toEqual([...controlPlaneAddresses].sort());
    const workload = new KubeConfig();
    workload.loadFromString(await secrets.read(kubeconfigSecret({ namespace: 'default', name: 'zeta' })));
    const nodes = await workload.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((n) => n.metadata?.name).sort()).toEqual(result.machines.map((m) => m.machine).sort());
    expect(nodes.items.every((n) => n.status?.nodeInfo?.kubeletVersion === 'v1.34.2')).toBe(true);
    expect(
      invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), {
        cluster: 'zeta',
        availability: { deployment: 'md-0', minReady: 2 },
      }),
    ).toEqual([]);

    // Built side by side, as far as the infrastructure's own order allows: every VM runs before
    // etcd is bootstrapped, and the other control planes join etcd one after the other.
    const started = stack.proxmox.events.list({ type: 'vm.started' }).filter((e) => e.name?.startsWith('zeta-'));
    const etcdEvents = stack.talos.events.list().filter((e) => e.cluster === 'zeta');
    const bootstrappedAt = etcdEvents.find((e) => e.type === 'etcd.bootstrapped')?.at ?? '';
    expect(started).toHaveLength(5);
    expect(started.every((e) => e.at < bootstrappedAt)).toBe(true);
    let learners = 0;
    for (const e of etcdEvents) {
      if (e.type === 'etcd.member-added') learners += 1;
      if (e.type === 'etcd.member-promoted') learners -= 1;
      expect(learners).toBeLessThanOrEqual(1);
    }
    expect(etcdEvents.filter((e) => e.type === 'etcd.member-promoted')).toHaveLength(2);
  });

  it('deletes the cluster leaving no VM, address or Secret behind, even with a VM already gone', async () => {
    const [firstWorker] = provisioned.filter((m) => m.role === 'worker');
    const deletionStart = stack.talos.events.list().at(-1)?.seq ?? 0;
    // A VM someone already removed by hand must not stop the delete (omni #2702).
    await new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(
      stack.activities.proxmoxDestroyVm,
      {
        templateVmid: 9000,
        allowedNodes: ['pve1'],
        cores: 2,
        memoryMiB: 2048,
        diskGiB: 20,
        cluster: 'default/zeta',
        machine: firstWorker!.machine,
        address: firstWorker!.address,
      },
      firstWorker!.vm,
    );
    expect(stack.proxmox.vms().filter((vm) => vm.name === firstWorker!.machine)).toEqual([]);
    await stack.env.client.workflow.execute<typeof deleteClusterWorkflow>('deleteClusterWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: 'cluster/default/zeta/delete/1',
      args: [{ desired: desired({ controlPlane: { replicas: 3, machine: shape } }), observed: empty, summary: 'delete zeta' }],
    });
    await assertHistoryClean(stack.env, 'cluster/default/zeta/delete/1', [stack.proxmox.token.secret]);
    expect(stack.proxmox.vms().filter((vm) => vm.name?.startsWith('zeta-'))).toEqual([]);
    expect(await recordedMachines('zeta')).toEqual([]);
    expect(
      invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), {
        cluster: 'zeta',
        deletedAfterTalosEvent: deletionStart,
      }),
    ).toEqual([]);
    await saveHistoryIfAsked(stack.env, 'cluster/default/zeta/delete/1', 'delete-cluster');
    await saveHistoryIfAsked(stack.env, `cluster/default/zeta/machine/${firstWorker!.machine}/delete`, 'delete-machine-cluster-deleting');
    const addresses = (await stack.management.kubeConfig.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
      group: 'ipam.cluster.x-k8s.io',
      version: 'v1beta1',
      namespace: 'default',
      plural: 'ipaddresses',
    })) as { items: Array<{ metadata: { labels?: Record<string, string> } }> };
    expect(addresses.items.filter((a) => a.metadata.labels?.['cluster.x-k8s.io/cluster-name'] === 'zeta')).toEqual([]);
    const secretNames = (await stack.management.kubeConfig.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: 'default' })).items
      .map((secret) => secret.metadata?.name ?? '')
      .filter((n) => n.startsWith('zeta-'));
    expect(secretNames).toEqual([]);
  });

  it("builds a cluster behind the user's own load balancer, and no control plane announces a VIP", async () => {
    const spec = simDesiredCluster('lbc', 123, {
      machineDeployments: [],
      network: {
        poolName: 'lbc',
        ipv4Pool: { addresses: ['127.0.123.10-127.0.123.30'], prefix: 24, gateway: '127.0.123.1' },
        controlPlaneEndpoint: { host: balancerAddress, port: 6443, externalLoadBalancer: true },
      },
    });
    const outcome = await stack.env.client.workflow.execute<typeof provisionWorkflow>('provisionWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: 'cluster/default/lbc/provision/1',
      args: [provision(spec)],
    });
    expect(outcome).toEqual({ outcome: 'Succeeded' });
    const cluster = stack.talos.clusters().find((c) => c.name === 'lbc');
    expect(cluster).toMatchObject({ endpoint: `https://${balancerAddress}:6443`, apiAvailable: true, sharedIps: [] });
    const secrets = new KubernetesSecretStore(stack.management.kubeConfig);
    const workload = new KubeConfig();
    workload.loadFromString(await secrets.read(kubeconfigSecret({ namespace: 'default', name: 'lbc' })));
    const nodes = await workload.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual((await recordedMachines('lbc')).map((m) => m.machine));
  });

  it('refuses versions the installed Talos cannot run, before anything is built', async () => {
    const before = stack.proxmox.vms().length;
    await expect(
      stack.env.client.workflow.execute<typeof provisionWorkflow>('provisionWorkflow', {
        taskQueue: stack.taskQueue,
        workflowId: 'cluster/default/eta/provision/1',
        args: [provision(desired({ name: 'eta', kubernetesVersion: 'v1.35.0' }))],
      }),
    ).rejects.toMatchObject({
      cause: {
        type: 'InvalidDesiredCluster',
        message: expect.stringContaining('Talos v1.11.5 supports Kubernetes v1.29 to v1.34, not v1.35.0') as unknown,
      },
    });
    await assertHistoryClean(stack.env, 'cluster/default/eta/provision/1', [stack.proxmox.token.secret]);
    expect(stack.proxmox.vms()).toHaveLength(before);
  });
});
