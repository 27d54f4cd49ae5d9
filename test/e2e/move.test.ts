// capstan move between two management clusters (two kube-apiservers), each with its own Capstan
// installation — a controller and a worker on its own Temporal namespace of one dev server — and one
// simulated Proxmox VE with its Talos nodes. A cluster provisioned on the source is moved right after
// an operation finished; the target adopts its VMs (none cloned or destroyed by the move), a
// scale-up there clones exactly one, and the source keeps nothing. A move is refused while an
// operation runs, and bad input gets an error that says what to do.
import { writeFileSync } from 'node:fs';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterProgressQuery, type ClusterProgress } from '../../api/cluster-messages.ts';
import type { ClusterWorkflowResult } from '../../api/cluster-workflow-state.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { createLifecycleActivities } from '../../activities/lifecycle-activities.ts';
import { processClients } from '../../client/cli/connect/clients.ts';
import { runCapstan } from '../../client/cli/program.ts';
import { createController, silentLogger, type Controller } from '../../client/controller/index.ts';
import { capiObjects, type CapiObjects } from '../../embedded/controller-stack/capi-objects.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { createSimKubeStarter } from '../../embedded/servers/sim-light-mode.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';
import type { SimKubeApiservers } from '../../embedded/servers/sim-kube-apiservers.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../../sim/talos/index.ts';
import { workflowSources } from '../../workers/lifecycle-worker.ts';
import { captureIo } from '../cli/capture-io.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { simClusterManifests } from './sim-cluster-manifests.ts';

const ns = 'moving';
const name = 'mv';
// The same task queue name in both installations: the Temporal namespaces keep them apart.
const taskQueue = 'capstan-lifecycle-move-test';

/** One management cluster with its Capstan installation. */
interface Installation {
  readonly management: ManagementCluster;
  readonly namespace: string;
  readonly client: Client;
  readonly objects: CapiObjects;
  readonly controller: Controller;
}

const dir = makeTempDir('move');
let temporal: TemporalDevServer;
let proxmox: ProxmoxSim;
let kube: SimKubeApiservers;
let talos: TalosSim;
let source: Installation;
let target: Installation;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const [server, first, second] = await Promise.all([
    startTemporalDevServer({ namespace: 'capstan-source', moreNamespaces: ['capstan-target'] }),
    startManagementCluster({ dataDir: `${dir.path}/source`, ephemeral: true, capstanCrds: true }),
    startManagementCluster({ dataDir: `${dir.path}/target`, ephemeral: true, capstanCrds: true }),
  ]);
  temporal = server;
  stops.push(
    () => temporal.stop(),
    () => first.stop(),
    () => second.stop(),
  );
  proxmox = await startProxmoxSim({ scale: 0.005, seed: 31 });
  stops.push(() => proxmox.stop());
  kube = createSimKubeStarter(true, { dataDir: `${dir.path}/sim-kube` });
  stops.push(() => kube.stop());
  talos = await startTalosSim({
    proxmox,
    startKubeApiserver: kube.start,
    dataDir: `${dir.path}/talos`,
    scale: 0.01,
    seed: 31,
    sharedKubernetes: true,
  });
  stops.push(() => talos.stop());
  const connection = await NativeConnection.connect({ address: temporal.address });
  stops.push(() => connection.close());
  const install = async (management: ManagementCluster, namespace: string, label: string): Promise<Installation> => {
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue,
      ...workflowSources,
      activities: createLifecycleActivities({
        proxmox: { baseUrl: proxmox.url, tokenId: proxmox.token.id, tokenSecret: proxmox.token.secret, caPem: proxmox.caPem },
        managementCluster: management.kubeConfig,
        pollMs: 100,
        snapshotDir: `${dir.path}/${label}-etcd-snapshots`,
      }),
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });
    const client = new Client({ connection: temporal.connection, namespace });
    const controller = createController({
      kubeConfig: management.kubeConfig,
      temporal: client,
      taskQueue,
      leaseNamespace: 'default',
      leaderElection: { leaseDurationSeconds: 2, renewDeadlineMs: 1_500, retryPeriodMs: 200 },
      pollIntervals: { activeMs: 200, idleMs: 1_000, afterSignalMs: 3_000 },
      logger: silentLogger,
    });
    await controller.start();
    stops.push(() => controller.stop());
    return { management, namespace, client, objects: capiObjects(management.kubeConfig), controller };
  };
  source = await install(first, 'capstan-source', 'source');
  target = await install(second, 'capstan-target', 'target');
}, 180_000);
afterAll(async () => {
  for (const stop of [...stops].reverse())
    await stop().catch((error: unknown) => {
      console.error(String(error));
    });
  dir.remove();
});

/** Runs `capstan` in-process with real clients, as a user on the source management cluster would. */
async function capstan(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const env = { ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: source.namespace };
  const code = await runCapstan(['--kubeconfig', source.management.kubeconfigPath, '-n', ns, ...args], {
    io,
    clients: (flags) => processClients(flags, env),
  });
  return { code, out: io.out(), err: io.err() };
}

const moveArgs = (): string[] => [
  'move',
  name,
  '--to-kubeconfig',
  target.management.kubeconfigPath,
  '--to-temporal-namespace',
  target.namespace,
];

const progress = (at: Installation): Promise<ClusterProgress> =>
  at.client.workflow.getHandle(clusterWorkflowId(ns, name)).query(clusterProgressQuery);

/** Until the cluster's workflow is Idle with `operations` operations done. */
function idle(at: Installation, operations: number): Promise<ClusterProgress> {
  return eventually(
    async () => {
      const now = await progress(at);
      if (now.phase !== 'Idle' || now.operations < operations)
        throw new Error(`${now.phase} after ${now.operations}: ${now.operation?.summary ?? now.held ?? ''}`);
      return now;
    },
    120_000,
    200,
  );
}

const clones = (): number => proxmox.events.list({ type: 'vm.created' }).filter((e) => e.name?.startsWith(`${name}-`)).length;
const destroys = (): number => proxmox.events.list({ type: 'vm.destroyed' }).filter((e) => e.name?.startsWith(`${name}-`)).length;

describe('capstan move', () => {
  it('refuses bad input with an error that says what to do', async () => {
    const missing = await capstan(
      'move',
      name,
      '--to-kubeconfig',
      `${dir.path}/nope.kubeconfig`,
      '--to-temporal-namespace',
      target.namespace,
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`kubeconfig ${dir.path}/nope.kubeconfig does not exist`);

    writeFileSync(`${dir.path}/garbage.kubeconfig`, ': not yaml [');
    const garbage = await capstan(
      'move',
      name,
      '--to-kubeconfig',
      `${dir.path}/garbage.kubeconfig`,
      '--to-temporal-namespace',
      target.namespace,
    );
    expect(garbage.code).toBe(1);
    expect(garbage.err).toContain('cannot be read');

    writeFileSync(
      `${dir.path}/closed.kubeconfig`,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    const unreachable = await capstan(
      'move',
      name,
      '--to-kubeconfig',
      `${dir.path}/closed.kubeconfig`,
      '--to-temporal-namespace',
      target.namespace,
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toContain('cannot reach the management cluster at https://127.0.0.1:1');

    const same = await capstan(
      'move',
      name,
      '--to-kubeconfig',
      target.management.kubeconfigPath,
      '--to-temporal-namespace',
      source.namespace,
    );
    expect(same.code).toBe(1);
    expect(same.err).toContain('same Temporal namespace as the source');
    expect(same.err).toContain('needs a Temporal namespace of its own');

    const itself = await capstan(
      'move',
      name,
      '--to-kubeconfig',
      source.management.kubeconfigPath,
      '--to-temporal-namespace',
      target.namespace,
    );
    expect(itself.code).toBe(1);
    expect(itself.err).toContain('names the source management cluster itself');

    const unknown = await capstan(...moveArgs());
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain(`no Cluster ${ns}/${name} in the source management cluster`);
  });

  it(
    'is refused while an operation runs; right after it, the target adopts every VM, clones one on a scale-up, the source keeps nothing; moved back while idle',
    { timeout: 240_000 },
    async () => {
      const started = Date.now();
      await source.objects.apply(ns, simClusterManifests(name, 131, { controlPlanes: 1, workers: 1 }));
      await idle(source, 1);
      console.log(`provisioned on the source in ${Date.now() - started} ms`);

      // A scale-up on the source: the move is refused while it runs.
      await source.objects.patch('MachineDeployment', ns, `${name}-md-0`, { spec: { replicas: 2 } });
      await eventually(
        async () => {
          const now = await progress(source);
          if (now.phase !== 'Running') throw new Error(now.phase);
        },
        30_000,
        50,
      );
      const refused = await capstan(...moveArgs());
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('a cluster moves only while idle');
      expect(refused.err).toContain(`capstan watch ${name} -n ${ns} --until-idle`);
      expect((await source.objects.get('Cluster', ns, name))?.spec).not.toHaveProperty('paused', true);

      // Right after the operation finished.
      await idle(source, 2);
      const clonesBefore = clones();
      const destroysBefore = destroys();
      const moved = await capstan(...moveArgs());
      console.log(moved.out);
      expect(moved.err).toBe('');
      expect(moved.code).toBe(0);
      expect(moved.out).toContain('[6/6]');
      expect(moved.out).toMatch(/Moved: moving\/mv is managed by .* now \(Idle; 3\/3 machines Ready/);

      // The source: nothing left, and its run ended as released.
      for (const kind of [
        'Cluster',
        'TalosControlPlane',
        'ProxmoxCluster',
        'MachineDeployment',
        'MachineSet',
        'Machine',
        'ProxmoxMachine',
      ] as const)
        expect(await source.objects.list(kind, ns), kind).toEqual([]);
      const result = (await source.client.workflow.getHandle(clusterWorkflowId(ns, name)).result()) as ClusterWorkflowResult;
      expect(result).toMatchObject({ deleted: false, released: { to: expect.stringContaining(target.namespace) as unknown } });

      // The target: every machine adopted, nothing cloned or destroyed by the move.
      const adopted = await idle(target, 0);
      expect(adopted.machines.map((m) => m.name).sort()).toHaveLength(3);
      expect(clones()).toBe(clonesBefore);
      expect(destroys()).toBe(destroysBefore);
      const machines = await target.objects.list('Machine', ns);
      expect(machines).toHaveLength(3);
      expect(machines.every((m) => (m.metadata.ownerReferences ?? []).length > 0)).toBe(true);

      // Run again, as after a failure: it sees the move done and only waits for the target.
      const again = await capstan(...moveArgs());
      expect(again.code).toBe(0);
      expect(again.out).toContain('finishing an earlier run of this move');

      // The target manages it: a scale-up clones exactly one VM.
      await target.objects.patch('MachineDeployment', ns, `${name}-md-0`, { spec: { replicas: 3 } });
      const scaled = await idle(target, 1);
      expect(scaled.machines).toHaveLength(4);
      expect(clones()).toBe(clonesBefore + 1);
      expect(destroys()).toBe(destroysBefore);
      expect(invariantViolations(proxmox.events.list(), talos.events.list(), { cluster: name })).toEqual([]);
      // The source's controller started nothing again.
      expect((await source.client.workflow.getHandle(clusterWorkflowId(ns, name)).describe()).status.name).toBe('COMPLETED');
      expect(await source.objects.list('ProxmoxMachineTemplate', ns)).toEqual([]);

      // Moved back while idle: the source's controller starts a new run for the new Cluster object
      // (the released run was for the old one), which adopts the four machines.
      const before = { clones: clones(), destroys: destroys() };
      const back = await capstan(
        '--kubeconfig',
        target.management.kubeconfigPath,
        '--temporal-namespace',
        target.namespace,
        'move',
        name,
        '--to-kubeconfig',
        source.management.kubeconfigPath,
        '--to-temporal-namespace',
        source.namespace,
      );
      expect(back.err).toBe('');
      expect(back.code).toBe(0);
      expect(back.out).toMatch(/Moved: moving\/mv is managed by .* now \(Idle; 4\/4 machines Ready/);
      expect(await target.objects.list('Machine', ns)).toEqual([]);
      expect((await progress(source)).machines).toHaveLength(4);
      expect({ clones: clones(), destroys: destroys() }).toEqual(before);
      expect(invariantViolations(proxmox.events.list(), talos.events.list(), { cluster: name })).toEqual([]);
    },
  );
});
