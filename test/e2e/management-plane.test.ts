// What a platform engineer sees, end to end: manifests applied to a real kube-apiserver, the
// controller, the real cluster workflow on the Temporal dev server, a worker, and the Proxmox
// and Talos simulators. Apply → Ready; patch the version → chained upgrade; scale; template
// change → rolling update; a manifest the mapping refuses → InvalidSpec and no workflow; a
// controller that dies mid-operation → its successor starts nothing twice; delete → nothing left.
// One worker builds both clusters, each on the simulated Proxmox VE its ProxmoxCluster's
// credentialsRef Secret names (the worker's own token reaches neither): lambda's token is rotated
// mid-life, and sigma waits, naming its missing Secret, until the Secret is created.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterProgressQuery, type ClusterProgress } from '../../api/cluster-messages.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import type { Controller } from '../../client/controller/index.ts';
import { at, manifest } from '../api/capi/manifests.ts';
import { conditionOf, messageOf, type StoredObject } from '../../embedded/controller-stack/capi-objects.ts';
import { expectVersions, versionMilestones } from '../harness/machine-versions.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { startFullStack, type FullStack, type SimulatedSite } from '../harness/full-stack.ts';
import type { ProxmoxSim } from '../../sim/proxmox/index.ts';
import { assertHistoryClean } from '../harness/history-hygiene.ts';
import { invariantViolations, type AvailabilityRule } from '../harness/invariants.ts';
import { renamedTemplate, simClusterManifests } from './sim-cluster-manifests.ts';

const ns = 'e2e';
/** The cluster the lifecycle runs on: 3 control planes (InPlace), 2 workers (RollingUpdate). */
const lambda = 'lambda';
/** The cluster that starts out invalid, and whose provision outlives a controller. */
const sigma = 'sigma';
const lambdaManifests = simClusterManifests(lambda, 92, { controlPlanes: 3, workers: 2, credentialsSecret: `${lambda}-proxmox` });
const sigmaManifests = simClusterManifests(sigma, 93, { controlPlanes: 1, workers: 1, credentialsSecret: `${sigma}-proxmox` });
// sigma looks again every 5 s, so a Secret created after its cluster is seen soon.
at(manifest(sigmaManifests, 'Cluster', sigma), 'metadata').annotations = { 'capstan.dev/observe-interval': '5s' };
/** lambda's own API tokens on the worker's Proxmox VE: the first, and the one it is rotated to. */
const lambdaTokens = [
  { id: 'lambda@pve!capstan', secret: '0b0c7a4e-9d1f-4a57-9a53-1a2b3c4d5e01' },
  { id: 'lambda@pve!capstan-rotated', secret: '0b0c7a4e-9d1f-4a57-9a53-1a2b3c4d5e02' },
] as const;

let stack: FullStack;
let controller: Controller;
let second: SimulatedSite;

/** A credentials Secret as CAPMOX users write it: `url` (the host, no API path), `token`, `secret`, and the Proxmox VE's own CA in `root_ca`. */
async function writeCredentials(name: string, proxmox: ProxmoxSim, token: { readonly id: string; readonly secret: string }): Promise<void> {
  const core = stack.management.kubeConfig.makeApiClient(CoreV1Api);
  const body = {
    metadata: { name, namespace: ns },
    stringData: { url: proxmox.url.replace(/\/api2\/json$/, ''), token: token.id, secret: token.secret, root_ca: proxmox.caPem },
  };
  if (await stack.objects.secret(ns, name)) await core.replaceNamespacedSecret({ name, namespace: ns, body });
  else await core.createNamespacedSecret({ namespace: ns, body });
}

beforeAll(async () => {
  stack = await startFullStack('mgmt-plane', { secondProxmox: true });
  second = stack.second!;
  stack.proxmox.addToken(lambdaTokens[0]);
  await stack.objects.apply(ns, []); // creates the namespace, for the Secret
  await writeCredentials(`${lambda}-proxmox`, stack.proxmox, lambdaTokens[0]);
  controller = await stack.startController({ identity: 'replica-1' });
  await eventually(() => {
    expect(controller.leading).toBe(true);
  }, 30_000);
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

const progressOf = (name: string): Promise<ClusterProgress> =>
  stack.client.workflow.getHandle(clusterWorkflowId(ns, name)).query(clusterProgressQuery);

/** Until the cluster workflow is Idle after `operations` operations; a Held cluster fails at once. */
async function settled(name: string, operations: number): Promise<ClusterProgress> {
  const now = await eventually(
    async () => {
      const current = await progressOf(name);
      if (current.phase === 'Held') return current;
      if (current.phase !== 'Idle' || current.operations < operations) {
        throw new Error(
          `${name} still ${current.phase} after ${current.operations} operations: ${current.operation?.summary ?? ''} ${current.operation?.currentStep ?? ''}`,
        );
      }
      return current;
    },
    300_000,
    250,
  );
  if (now.phase === 'Held') throw new Error(`${name} held: ${now.held ?? ''}`);
  return now;
}

const get = (kind: Parameters<FullStack['objects']['get']>[0], name: string) => stack.objects.get(kind, ns, name);
const machinesOf = async (cluster: string): Promise<StoredObject[]> =>
  (await stack.objects.list('Machine', ns)).filter((m) => m.metadata.labels?.['cluster.x-k8s.io/cluster-name'] === cluster);
const workersOf = async (cluster: string): Promise<StoredObject[]> =>
  (await machinesOf(cluster)).filter((m) => m.metadata.labels?.['cluster.x-k8s.io/deployment-name'] !== undefined);
const names = (objects: readonly { metadata: { name: string } }[]): string[] => objects.map((o) => o.metadata.name).sort();
/** Where the cluster's Secret points: lambda to the worker's own Proxmox VE, sigma to the second. */
const siteOf = (cluster: string): SimulatedSite => (cluster === sigma ? second : stack);
const vmsOn = (site: SimulatedSite, cluster: string) => site.proxmox.vms().filter((vm) => vm.name?.startsWith(`${cluster}-`));
const vmsOf = (cluster: string) => vmsOn(siteOf(cluster), cluster);
const lastTalosEvent = (site: SimulatedSite = stack): number => site.talos.events.list().at(-1)?.seq ?? 0;
/** The API tokens that cloned VMs on a Proxmox VE (PVE writes the caller into each task's UPID). */
const cloneUsers = (site: SimulatedSite): string[] => [
  ...new Set(
    site.proxmox.events
      .list({ type: 'task.started' })
      .filter((e) => e.upid?.includes(':qmclone:'))
      .map((e) => e.upid?.split(':')[7] ?? ''),
  ),
];

function violations(
  cluster: string,
  scope: { availability?: readonly AvailabilityRule[]; deletedAfterTalosEvent?: number } = {},
): string[] {
  const site = siteOf(cluster);
  return invariantViolations(site.proxmox.events.list(), site.talos.events.list(), { cluster, ...scope });
}

/** Every Machine of the cluster is Running at these versions, as `kubectl get machines -o wide` shows them. */
describe('the management plane on the real stack', { timeout: 600_000 }, () => {
  it('turns a kubectl apply into a Ready cluster with a Machine per machine and its kubeconfig and talosconfig Secrets', async () => {
    await stack.objects.apply(ns, lambdaManifests);

    const cluster = await eventually(
      async () => {
        const c = await get('Cluster', lambda);
        expect(conditionOf(c, 'Ready'), messageOf(c, 'Ready')).toBe('True');
        expect(c?.status).toMatchObject({ phase: 'Provisioned', version: 'v1.33.4', infrastructureReady: true, controlPlaneReady: true });
        return c!;
      },
      300_000,
      250,
    );
    expect(cluster.metadata.finalizers).toEqual(['cluster.cluster.x-k8s.io']);
    const progress = await settled(lambda, 1);
    expect(progress.recent).toEqual([expect.objectContaining({ kind: 'provision', outcome: 'Succeeded' })]);

    const machines = await eventually(
      async () => {
        const list = await machinesOf(lambda);
        expect(names(list)).toEqual(progress.machines.map((m) => m.name).sort());
        expectVersions(list, 'v1.33.4', 'v1.10.7');
        return list;
      },
      30_000,
      250,
    );
    expect(machines.filter((m) => m.metadata.labels?.['cluster.x-k8s.io/control-plane'] === '')).toHaveLength(3);
    expect(machines.filter((m) => m.metadata.labels?.['cluster.x-k8s.io/deployment-name'] === `${lambda}-md-0`)).toHaveLength(2);
    const vms = vmsOf(lambda);
    expect(vms.map((vm) => vm.name).sort()).toEqual(names(machines));
    for (const machine of machines) {
      const vm = vms.find((v) => v.name === machine.metadata.name);
      expect(machine.status).toMatchObject({
        nodeRef: { kind: 'Node', name: machine.metadata.name },
        addresses: [
          { type: 'InternalIP', address: vm?.address },
          { type: 'Hostname', address: machine.metadata.name },
        ],
        proxmox: { node: vm?.node, vmid: vm?.vmid },
      });
    }

    // The Secrets CAPI users know, and the kubeconfig reaches the workload cluster's API server.
    const kubeconfig = await stack.objects.secret(ns, `${lambda}-kubeconfig`);
    const talosconfig = await stack.objects.secret(ns, `${lambda}-talosconfig`);
    expect(talosconfig?.['talosconfig']).toContain(`context: ${lambda}`);
    const workload = new KubeConfig();
    workload.loadFromString(kubeconfig?.['value'] ?? '');
    expect(workload.getCurrentCluster()?.server).toBe('https://127.0.92.10:6443');
    const nodes = await workload.makeApiClient(CoreV1Api).listNode();
    expect(names(nodes.items.map((n) => ({ metadata: { name: n.metadata?.name ?? '' } })))).toEqual(names(machines));

    expect((await stack.objects.events(ns, 'Cluster', lambda)).filter((e) => e.includes('ClusterWorkflowStarted'))).toEqual([
      `Normal ClusterWorkflowStarted: started cluster/${ns}/${lambda} with generation 1`,
    ]);
    // Built with the token of lambda's Secret, not the worker's own.
    expect(cloneUsers(stack)).toEqual([lambdaTokens[0].id]);
    expect(vmsOn(second, lambda)).toEqual([]);
    expect(violations(lambda)).toEqual([]);
  });

  it('upgrades Kubernetes v1.33.4 → v1.35.0 through every minor, with Talos v1.10.7 → v1.12.0 interleaved, when the TalosControlPlane is patched', async () => {
    const before = lastTalosEvent();
    const controlPlanes = names((await machinesOf(lambda)).filter((m) => m.metadata.labels?.['cluster.x-k8s.io/control-plane'] === ''));
    await stack.objects.patch('TalosControlPlane', ns, `${lambda}-control-plane`, {
      spec: { version: 'v1.35.0', controlPlaneConfig: { controlplane: { talosVersion: 'v1.12.0' } } },
    });
    const progress = await settled(lambda, 2);
    expect(progress.recent[1]).toMatchObject({
      kind: 'upgrade',
      summary: 'upgrade Kubernetes v1.33.4 → v1.35.0, Talos v1.10.7 → v1.12.0',
      outcome: 'Succeeded',
    });
    expect(versionMilestones(stack.talos, lambda, before)).toEqual([
      'Talos v1.11.5',
      'Kubernetes v1.34.2',
      'Talos v1.12.0',
      'Kubernetes v1.35.0',
    ]);

    await eventually(
      async () => {
        const machines = await machinesOf(lambda);
        expect(names(machines)).toEqual(progress.machines.map((m) => m.name).sort());
        expectVersions(machines, 'v1.35.0', 'v1.12.0');
        // In place: the control planes are the same machines.
        expect(names(machines.filter((m) => m.metadata.labels?.['cluster.x-k8s.io/control-plane'] === ''))).toEqual(controlPlanes);
        expect((await get('Cluster', lambda))?.status?.['version']).toBe('v1.35.0');
        expect((await get('TalosControlPlane', `${lambda}-control-plane`))?.status).toMatchObject({
          version: 'v1.35.0',
          readyReplicas: 3,
          updatedReplicas: 3,
        });
      },
      30_000,
      250,
    );
    const events = await stack.objects.events(ns, 'Cluster', lambda);
    expect(events).toContain(
      `Normal OperationStarted: upgrade Kubernetes v1.33.4 → v1.35.0, Talos v1.10.7 → v1.12.0 (cluster/${ns}/${lambda}/upgrade/2)`,
    );
    expect(events).toContain('Normal OperationSucceeded: upgrade Kubernetes v1.33.4 → v1.35.0, Talos v1.10.7 → v1.12.0');
    expect(violations(lambda, { availability: [{ deployment: `${lambda}-md-0`, minReady: 2, afterTalosEvent: before }] })).toEqual([]);
  });

  it("scales the workers when the MachineDeployment's replicas are patched, up and down, with the token its Secret was rotated to", async () => {
    // The operator rotates lambda's token: a new one in Proxmox, then in the Secret, the old one revoked. The worker runs on.
    stack.proxmox.addToken(lambdaTokens[1]);
    await writeCredentials(`${lambda}-proxmox`, stack.proxmox, lambdaTokens[1]);
    stack.proxmox.revokeToken(lambdaTokens[0].id);
    const before = names(await workersOf(lambda));
    await stack.objects.patch('MachineDeployment', ns, `${lambda}-md-0`, { spec: { replicas: 3 } });
    await settled(lambda, 3);
    await eventually(
      async () => {
        const workers = await workersOf(lambda);
        expect(workers).toHaveLength(3);
        expect(names(workers).filter((n) => before.includes(n))).toEqual(before);
        expectVersions(workers, 'v1.35.0', 'v1.12.0');
        expect((await get('MachineDeployment', `${lambda}-md-0`))?.status).toMatchObject({
          replicas: 3,
          readyReplicas: 3,
          phase: 'Running',
        });
      },
      30_000,
      250,
    );

    await stack.objects.patch('MachineDeployment', ns, `${lambda}-md-0`, { spec: { replicas: 1 } });
    const progress = await settled(lambda, 4);
    expect(progress.recent.slice(2).map((r) => `${r.summary}: ${r.outcome}`)).toEqual([
      `scale ${lambda}-md-0 2 → 3: Succeeded`,
      `scale ${lambda}-md-0 3 → 1: Succeeded`,
    ]);
    expect(cloneUsers(stack)).toEqual([lambdaTokens[0].id, lambdaTokens[1].id]);
    // Only the Secret's name travelled through the workflows, never a token.
    await assertHistoryClean(
      stack.client,
      clusterWorkflowId(ns, lambda),
      lambdaTokens.map((t) => t.secret),
    );
    await eventually(
      async () => {
        const workers = await workersOf(lambda);
        expect(workers).toHaveLength(1);
        expect(vmsOf(lambda)).toHaveLength(4);
        expect((await get('MachineDeployment', `${lambda}-md-0`))?.status).toMatchObject({
          replicas: 1,
          readyReplicas: 1,
          phase: 'Running',
        });
      },
      30_000,
      250,
    );
    expect(violations(lambda)).toEqual([]);
  });

  it('rolls the workers out onto new machines when the MachineDeployment references a new ProxmoxMachineTemplate', async () => {
    const before = lastTalosEvent();
    const old = names(await workersOf(lambda));
    const bigger = renamedTemplate(lambdaManifests, `${lambda}-workers`, `${lambda}-workers-v2`, (spec) => {
      spec['numCores'] = 4;
    });
    // As CAPI users do: a new template, then the MachineDeployment pointed at it.
    await stack.objects.apply(ns, [bigger]);
    await stack.objects.patch('MachineDeployment', ns, `${lambda}-md-0`, {
      spec: { template: { spec: { infrastructureRef: { name: `${lambda}-workers-v2` } } } },
    });
    const progress = await settled(lambda, 5);
    expect(progress.recent.at(-1)).toMatchObject({ kind: 'rollout-machine-deployment', outcome: 'Succeeded' });

    await eventually(
      async () => {
        const workers = await workersOf(lambda);
        expect(workers).toHaveLength(1);
        expect(names(workers).filter((n) => old.includes(n))).toEqual([]);
        expectVersions(workers, 'v1.35.0', 'v1.12.0');
      },
      30_000,
      250,
    );
    const workerVms = vmsOf(lambda).filter((vm) => !vm.name?.startsWith(`${lambda}-cp-`));
    expect(workerVms.map((vm) => [vm.name, vm.config['cores']])).toEqual([[names(await workersOf(lambda))[0], 4]]);
    expect(violations(lambda, { availability: [{ deployment: `${lambda}-md-0`, minReady: 1, afterTalosEvent: before }] })).toEqual([]);
  });

  it('refuses a manifest the mapping cannot use: Ready=False InvalidSpec naming the field, an Event, no workflow; the fix proceeds', async () => {
    const broken = structuredClone(sigmaManifests);
    delete at(manifest(broken, 'MachineDeployment', `${sigma}-md-0`), 'spec.template.spec')['infrastructureRef'];
    await stack.objects.apply(ns, broken);

    const cluster = await eventually(
      async () => {
        const c = await get('Cluster', sigma);
        expect(conditionOf(c, 'Ready')).toBe('False InvalidSpec');
        return c;
      },
      60_000,
      250,
    );
    const problem = `MachineDeployment ${ns}/${sigma}-md-0 spec.template.spec.infrastructureRef: is required: it must name a ProxmoxMachineTemplate`;
    expect(messageOf(cluster, 'Ready')).toBe(problem);
    expect(cluster?.status?.['phase']).toBe('Pending');
    await eventually(
      async () => {
        expect(await stack.objects.events(ns, 'Cluster', sigma)).toContain(
          `Warning InvalidSpec: ${problem}; nothing is started until the manifests are fixed`,
        );
      },
      30_000,
      250,
    );
    await expect(stack.client.workflow.getHandle(clusterWorkflowId(ns, sigma)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(vmsOf(sigma)).toEqual([]);

    await stack.objects.apply(ns, [manifest(sigmaManifests, 'MachineDeployment', `${sigma}-md-0`)]);
    // The manifests are fine now, but the Secret its ProxmoxCluster names is not there yet: the
    // cluster waits, saying which Secret to create, and builds nothing.
    const missing = `Secret ${ns}/${sigma}-proxmox (the ProxmoxCluster's spec.credentialsRef) does not exist`;
    await eventually(
      async () => {
        expect(messageOf(await get('Cluster', sigma), 'Ready')).toContain(missing);
        expect(
          (await stack.objects.events(ns, 'Cluster', sigma)).some((e) => e.startsWith('Warning OperationHeld') && e.includes(missing)),
        ).toBe(true);
      },
      60_000,
      250,
    );
    expect(vmsOf(sigma)).toEqual([]);

    await writeCredentials(`${sigma}-proxmox`, second.proxmox, second.proxmox.token);
    await eventually(
      async () => {
        expect((await progressOf(sigma)).operation?.kind).toBe('provision');
        expect(conditionOf(await get('Cluster', sigma), 'Ready')).not.toBe('False InvalidSpec');
      },
      60_000,
      250,
    );
  });

  it('survives its controller dying mid-provision: the next replica starts nothing twice and misses no change', async () => {
    // The provision of sigma is under way; the controller crashes without releasing its Lease.
    await eventually(
      () => {
        expect(vmsOf(sigma).length).toBeGreaterThan(0);
      },
      120_000,
      100,
    );
    const lambdaOperations = (await progressOf(lambda)).operations;
    expect((await progressOf(sigma)).operation?.kind).toBe('provision');
    await controller.abandon();
    // While no controller runs, a user scales sigma's workers.
    await stack.objects.patch('MachineDeployment', ns, `${sigma}-md-0`, { spec: { replicas: 2 } });

    controller = await stack.startController({ identity: 'replica-2' });
    await eventually(() => {
      expect(controller.leading).toBe(true);
    }, 30_000);
    const progress = await settled(sigma, 2);
    expect(progress.recent.map((r) => `${r.kind}: ${r.outcome}`)).toEqual(['provision: Succeeded', 'scale-machine-deployment: Succeeded']);
    await eventually(
      async () => {
        expect(conditionOf(await get('Cluster', sigma), 'Ready')).toBe('True');
        expect(await workersOf(sigma)).toHaveLength(2);
      },
      30_000,
      250,
    );
    expect((await stack.objects.events(ns, 'Cluster', sigma)).filter((e) => e.includes('ClusterWorkflowStarted'))).toHaveLength(1);
    expect(names(vmsOf(sigma).map((vm) => ({ metadata: { name: vm.name ?? '' } })))).toEqual(names(await machinesOf(sigma)));
    // On the Proxmox VE its Secret names, and nowhere else.
    expect(vmsOn(stack, sigma)).toEqual([]);
    expect(cloneUsers(second)).toEqual([second.proxmox.token.id]);
    await assertHistoryClean(stack.client, clusterWorkflowId(ns, sigma), [second.proxmox.token.secret]);
    // The new leader re-sent lambda's unchanged desired state: the workflow ran nothing for it.
    expect((await progressOf(lambda)).operations).toBe(lambdaOperations);
    expect(violations(sigma)).toEqual([]);
  });

  it('deletes: the workflows remove every VM, the finalizers go, the Clusters and their Machines and Secrets are gone', async () => {
    const before: Record<string, number> = { [lambda]: lastTalosEvent(stack), [sigma]: lastTalosEvent(second) };
    // `kubectl delete -f` of both files: every object at once.
    for (const [cluster, documents] of [
      [lambda, lambdaManifests],
      [sigma, sigmaManifests],
    ] as const) {
      for (const document of documents)
        await stack.objects.remove(document.kind as Parameters<FullStack['objects']['remove']>[0], ns, document.metadata.name);
      expect((await get('Cluster', cluster))?.metadata.deletionTimestamp).toBeDefined();
    }
    await stack.objects.remove('ProxmoxMachineTemplate', ns, `${lambda}-workers-v2`);

    await eventually(
      async () => {
        expect(await get('Cluster', lambda)).toBeUndefined();
        expect(await get('Cluster', sigma)).toBeUndefined();
      },
      300_000,
      250,
    );
    for (const cluster of [lambda, sigma]) {
      expect(await machinesOf(cluster)).toEqual([]);
      expect(vmsOf(cluster)).toEqual([]);
      expect(await stack.objects.secret(ns, `${cluster}-kubeconfig`)).toBeUndefined();
      expect(await stack.objects.secret(ns, `${cluster}-talosconfig`)).toBeUndefined();
      expect(await stack.client.workflow.getHandle(clusterWorkflowId(ns, cluster)).result()).toEqual({ deleted: true });
      expect(await stack.objects.events(ns, 'Cluster', cluster)).toContain(
        'Normal ClusterDeleted: the cluster workflow deleted the cluster; finalizer removed',
      );
      expect(violations(cluster, { deletedAfterTalosEvent: before[cluster] })).toEqual([]);
    }
  });
});
