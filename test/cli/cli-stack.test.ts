// The capstan commands on the real stack: a management kube-apiserver with Capstan's CRDs, the
// Proxmox and Talos simulators, the time-skipping Temporal server and a worker. The commands run
// in-process with the stack's clients; the Cluster objects are applied as a user would, and the
// test signals the cluster workflow the way the controller does (the controller is not running).
import { CustomObjectsApi, KubeConfig, PatchStrategy, PolicyV1Api, setHeaderOptions } from '@kubernetes/client-node';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDesiredCluster } from '../../api/capi/to-desired-cluster.ts';
import { desiredClusterSignal } from '../../api/cluster-messages.ts';
import type { DesiredCluster } from '../../api/desired-cluster.ts';
import type { CliClients } from '../../client/cli/context.ts';
import { runCapstan } from '../../client/cli/program.ts';
import { readMappingObjects } from '../../client/cli/read/cluster-objects.ts';
import { Resources } from '../../client/cli/read/resources.ts';
import { guardNode } from '../harness/pdb-guard.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { ClusterProbe, startClusterWorkflow, type ClusterHandle } from '../workflows/cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from '../workflows/lifecycle-stack.ts';
import { captureIo } from './capture-io.ts';
import { kappaManifests, type KappaManifest } from './kappa-manifests.ts';

const name = 'kappa';
const net = 88;
const ref = { namespace: 'default', name };

let stack: LifecycleStack;
let clients: CliClients;
let objects: CustomObjectsApi;
let handle: ClusterHandle;
let probe: ClusterProbe;
const dir = makeTempDir('cli-stack');

beforeAll(async () => {
  stack = await startLifecycleStack('cli');
  objects = stack.management.kubeConfig.makeApiClient(CustomObjectsApi);
  const server = stack.management.kubeConfig.getCurrentCluster()?.server ?? '';
  clients = {
    temporal: () => Promise.resolve({ client: stack.env.client, address: 'the time-skipping test server', namespace: 'default' }),
    kube: () => Promise.resolve({ kubeConfig: stack.management.kubeConfig, server, source: stack.management.kubeconfigPath }),
  };
  for (const manifest of kappaManifests(name, net)) await apply(manifest);
}, 300_000);
afterAll(async () => {
  await stack.stop();
  dir.remove();
});

/** Runs one capstan command in-process against the stack. */
async function capstan(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return capstanWith(captureIo(), ...args);
}

async function capstanWith(io: ReturnType<typeof captureIo>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const code = await runCapstan(args, { io, clients: () => clients });
  return { code, out: io.out(), err: io.err() };
}

const resourceOf = (kind: string) => {
  const resource = (Resources as Record<string, (typeof Resources)[keyof typeof Resources] | undefined>)[kind];
  if (!resource) throw new Error(`no resource for ${kind}`);
  return resource;
};

/** Server-side applies a manifest, as `kubectl apply --server-side` would. */
async function apply(manifest: KappaManifest): Promise<void> {
  await objects.patchNamespacedCustomObject(
    {
      ...resourceOf(manifest.kind),
      namespace: 'default',
      name: manifest.metadata.name,
      body: { ...manifest, metadata: { ...manifest.metadata, namespace: 'default' } },
      fieldManager: 'kubectl',
      force: true,
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
}

/** Merge-patches the spec of one of kappa's objects. */
async function patchSpec(kind: string, objectName: string, spec: object): Promise<void> {
  await objects.patchNamespacedCustomObject(
    { ...resourceOf(kind), namespace: 'default', name: objectName, body: { spec } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

async function versions(version: string): Promise<void> {
  await patchSpec('TalosControlPlane', `${name}-control-plane`, { version });
  await patchSpec('MachineDeployment', `${name}-md-0`, { template: { spec: { version } } });
}

/** What the controller would send: the objects in the management cluster, mapped. */
async function desiredFromObjects(): Promise<DesiredCluster> {
  const mapped = toDesiredCluster(ref, await readMappingObjects(await clients.kube(), ref));
  if (!mapped.ok) throw new Error(`kappa does not map: ${JSON.stringify(mapped.errors)}`);
  return mapped.desired;
}

/** Changes the objects, then signals the mapped spec as the controller would. */
async function changeAndSignal(change: () => Promise<unknown>): Promise<void> {
  await change();
  await handle.signal(desiredClusterSignal, await desiredFromObjects());
}

async function workload(): Promise<KubeConfig> {
  const { code, out } = await capstan('get', 'kubeconfig', name);
  expect(code).toBe(0);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(out);
  return kubeConfig;
}

const lineOf = (text: string, start: string): string | undefined =>
  text.split('\n').find((l) => l.trimStart().startsWith(start) || l.includes(start));

describe('capstan on the stack', () => {
  it('describes the cluster while it provisions, watches it to Idle, then describes the provisioned tree', async () => {
    const started = Date.now();
    handle = await startClusterWorkflow(stack.env.client, stack.taskQueue, await desiredFromObjects());
    probe = new ClusterProbe(handle);
    await eventually(
      async () => {
        if ((await probe.progress()).operation?.kind !== 'provision') throw new Error('provision not started yet');
      },
      60_000,
      200,
    );

    const during = await capstan('describe', 'cluster', name);
    expect(during.code).toBe(0);
    expect(during.out).toMatch(/^Operation {2}provision default\/kappa: 1 control-plane machine, 2 workers: step \d+\/\d+ /m);
    expect(lineOf(during.out, 'Cluster/kappa')).toMatch(/^Cluster\/kappa +False +Info +Provisioning /);

    const watch = await capstan('watch', name, '--until-idle', '--interval', '0.5', '--timeout', '280');
    expect(watch.err).toBe('');
    expect(watch.code).toBe(0);
    expect(watch.out).toContain('Progress   [');
    expect(watch.out.trimEnd().split('\n\n').at(-2)).toMatch(/^Cluster default\/kappa · Idle · generation 1 · 1 operation/);
    console.info(`provisioned kappa (1 control plane + 2 workers) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const done = await probe.settled(1);
    const described = await capstan('describe', 'cluster', name);
    expect(described.code).toBe(0);
    console.info(`capstan describe cluster kappa:\n${described.out}`);
    const lines = described.out.split('\n');
    expect(lines[0]).toMatch(/^NAME +READY +SEVERITY +REASON +SINCE +VERSION +TALOS +VM +MESSAGE$/);
    expect(lines[1]).toMatch(/^Cluster\/kappa +True +v1\.33\.4 +v1\.11\.5$/);
    expect(lines[2]).toMatch(/^├─ClusterInfrastructure - ProxmoxCluster\/kappa\b/);
    expect(lines[3]).toMatch(/^├─ControlPlane - TalosControlPlane\/kappa-control-plane +True +v1\.33\.4 +v1\.11\.5$/);
    const cp = done.machines.find((m) => m.role === 'control-plane')?.name ?? '';
    expect(lines[4]).toMatch(new RegExp(`^│ └─Machine/${cp} +True +Ready +\\S+ +v1\\.33\\.4 +v1\\.11\\.5 +\\S+/\\d+$`));
    expect(lines[5]).toBe('└─Workers');
    expect(lines[6]).toMatch(/^ {2}└─MachineDeployment\/kappa-md-0 +True +v1\.33\.4 +v1\.11\.5$/);
    const workers = done.machines
      .filter((m) => m.role === 'worker')
      .map((m) => m.name)
      .sort();
    // Under the MachineDeployment, its MachineSet (one template revision) and the set's Machines, each with its VM.
    const below = lines.slice(7, lines.indexOf(''));
    expect(
      below.filter((l) => l.includes('MachineSet/')).every((l) => /MachineSet\/kappa-md-0-\S+ +True +v1\.33\.4 +v1\.11\.5$/.test(l)),
    ).toBe(true);
    expect(below.filter((l) => l.includes('Machine/'))).toEqual([
      expect.stringMatching(new RegExp(`├─Machine/${workers[0] ?? ''} +True +Ready +\\S+ +v1\\.33\\.4 +v1\\.11\\.5 +\\S+/\\d+$`)),
      expect.stringMatching(new RegExp(`└─Machine/${workers[1] ?? ''} +True +Ready +\\S+ +v1\\.33\\.4 +v1\\.11\\.5 +\\S+/\\d+$`)),
    ]);
    expect(described.out).toContain('Workflow   cluster/default/kappa · Idle · generation 1 · 1 operation');

    // Once the controller writes conditions, they are what the tree shows.
    const at = new Date(Date.now() - 90_000).toISOString();
    await objects.patchNamespacedCustomObjectStatus(
      {
        ...Resources.Cluster,
        namespace: 'default',
        name,
        body: {
          status: {
            version: 'v1.33.4',
            conditions: [
              {
                type: 'Ready',
                status: 'False',
                severity: 'Warning',
                reason: 'WaitingForMachines',
                message: 'from the controller',
                lastTransitionTime: at,
              },
            ],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(lineOf((await capstan('describe', 'cluster', name)).out, 'Cluster/kappa')).toMatch(
      /^Cluster\/kappa +False +Warning +WaitingForMachines +9\ds +v1\.33\.4 +v1\.11\.5 +from the controller$/,
    );

    const json = JSON.parse((await capstan('describe', 'cluster', name, '-o', 'json')).out) as {
      workflow: { state: string; progress: { phase: string } };
      objects: { machineDeployments: unknown[] };
    };
    expect(json.workflow).toMatchObject({ state: 'running', progress: { phase: 'Idle' } });
    expect(json.objects.machineDeployments).toHaveLength(1);

    expect((await capstan('get', 'talosconfig', name)).out).toMatch(/^context: /m);
    expect((await workload()).getCurrentCluster()?.server).toMatch(/^https:\/\//);
  }, 420_000);

  it('plans a changed spec without running it, and refuses one it cannot reach', async () => {
    const before = await probe.progress();
    await versions('v1.34.2');
    const plan = await capstan('plan', name);
    console.info(`capstan plan kappa (after patching v1.33.4 → v1.34.2):\n${plan.out}`);
    expect(plan.code).toBe(0);
    expect(plan.out.split('\n').slice(0, 2)).toEqual([
      'Plan for default/kappa from the Cluster objects (generation 1):',
      'upgrade: upgrade Kubernetes v1.33.4 → v1.34.2',
    ]);
    expect(plan.out).toMatch(
      /^ {2}1\. take an etcd snapshot\n {2}2\. upgrade control plane to v1\.34\.2\n {2}3\. upgrade workers kappa-md-0 to v1\.34\.2$/m,
    );
    // Per machine what happens and how long, timed on this cluster's own create-machine runs or, where
    // Temporal cannot list them, on the defaults, saying which.
    const machines = before.machines.length;
    expect(
      plan.out.match(
        /^ {2}kappa-\S+ +(control plane|kappa-md-0) +(in place|replaced) +v1\.33\.4 → v1\.34\.2 +v1\.11\.5 \(unchanged\) +~\d+[sm]$/gm,
      ),
    ).toHaveLength(machines);
    expect(plan.out).toMatch(/^Expected duration: ~\d+[smh].*, its stages one after another$/m);
    expect(plan.out).toMatch(
      /^ {2}(measured on this cluster: replacement ~\d+[sm] \(median of \d+ past create-machine runs?|Capstan's default estimates: )/m,
    );

    await versions('v1.32.9');
    const refused = await capstan('plan', name);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(
      /^refused upgrade: kappa-\S+ runs Kubernetes v1\.33\.4, newer than the desired v1\.32\.9; downgrades are not supported$/m,
    );

    // A file's manifests are planned the same way, whatever the objects say.
    const file = join(dir.path, 'kappa.yaml');
    writeFileSync(
      file,
      kappaManifests(name, net, { workers: 3 })
        .map((m) => stringify(m))
        .join('---\n'),
    );
    const scaled = await capstan('plan', name, '-f', file);
    expect(scaled.code).toBe(0);
    expect(scaled.out).toBe(
      `Plan for default/kappa from ${file}:\nscale-machine-deployment: scale kappa-md-0 2 → 3\n  1. create a machine in kappa-md-0\n`,
    );

    await versions('v1.33.4');
    expect((await capstan('plan', name)).out).toContain('nothing to do: the cluster matches this spec');
    // Nothing ran.
    const after = await probe.progress();
    expect({ phase: after.phase, operations: after.operations }).toEqual({ phase: 'Idle', operations: before.operations });
  }, 120_000);

  it('says there is nothing to retry, pause or abort on an Idle cluster, and what it is doing', async () => {
    expect(await capstan('retry', name)).toEqual({
      code: 1,
      out: '',
      err: 'capstan: nothing to retry: cluster default/kappa is Idle: no operation runs\nhint: only a blocked step can be retried; capstan describe cluster kappa shows its state\n',
    });
    const pause = await capstan('pause', name);
    expect(pause.code).toBe(1);
    expect(pause.err).toContain(
      'capstan: nothing to pause: cluster default/kappa is Idle: no operation runs\nhint: pause holds a running operation between steps',
    );
    expect((await capstan('abort', name, '--reason', 'testing')).err).toContain('capstan: nothing to abort: cluster default/kappa is Idle');
  });

  it('lists the etcd snapshots the schedule took, and refuses a restore without --yes or of an unknown snapshot', async () => {
    // The default schedule snapshots a cluster as soon as it is bootstrapped.
    const listed = await eventually(async () => {
      const result = await capstan('etcd', 'snapshots', name);
      if (result.code !== 0 || !result.out.includes('scheduled')) throw new Error(`no snapshot listed yet: ${result.out}${result.err}`);
      return result;
    }, 60_000);
    const [header, row, total] = listed.out.trimEnd().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['ID', 'AGE', 'REVISION', 'SIZE', 'REASON', 'TAKEN BY']);
    expect(row).toMatch(/^\d{8}T\d{6}Z-r\d+-scheduled\s+\d+[smh]\s+\d+\s+[\d.]+(B|Ki|Mi)\s+scheduled\s+schedule$/);
    expect(total).toMatch(/^1 snapshot\(s\) in .*default\/kappa$/);
    const json = JSON.parse((await capstan('etcd', 'snapshots', name, '-o', 'json')).out) as { records: { revision: number }[] };
    expect(json.records[0]?.revision).toBeGreaterThan(0);

    const unconfirmed = await capstan('etcd', 'restore', name);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.err).toContain('capstan: restoring replaces all etcd data of default/kappa with the newest snapshot');
    expect(unconfirmed.err).toContain('hint: add --yes to go ahead');
    const unknown = await capstan('etcd', 'restore', name, '--snapshot', 'no-such-snapshot', '--yes');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^capstan: cluster\/default\/kappa refused the etcd restore: no snapshot no-such-snapshot is stored in /);
    expect((await probe.progress()).phase).toBe('Idle');
  }, 120_000);

  it('watches until Ctrl-C, printing a frame only when the progress changes', async () => {
    const io = captureIo();
    const watching = capstanWith(io, 'watch', name, '--interval', '0.2');
    await eventually(
      () => {
        if (io.out() === '') throw new Error('no frame yet');
      },
      30_000,
      50,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    io.interrupt();
    const { code, out } = await watching;
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('Cluster default/kappa · Idle · generation 1 · 1 operation');
    expect(out.match(/^Cluster default\/kappa/gm)).toHaveLength(1);
  });

  it('retries a drain blocked by a PodDisruptionBudget once the budget is gone, naming the run in describe', async () => {
    const started = Date.now();
    const before = (await probe.progress()).machines.filter((m) => m.role === 'worker').map((m) => m.name);
    await changeAndSignal(() => patchSpec('MachineDeployment', `${name}-md-0`, { replicas: 3 }));
    const grown = await probe.settled(2);
    const victim = grown.machines.find((m) => m.role === 'worker' && !before.includes(m.name))?.name ?? '';
    expect(victim).not.toBe('');
    await guard(victim, 'guard-budget');

    await changeAndSignal(() => patchSpec('MachineDeployment', `${name}-md-0`, { replicas: 2 }));
    const blocked = await probe.blocked();
    const run = `cluster/default/kappa/machine/${victim}/delete`;
    expect(blocked).toMatchObject({ workflowId: run, step: 'drain node', errorType: 'DrainBlockedByPdb' });

    const described = await capstan('describe', 'cluster', name);
    console.info(`capstan describe cluster kappa (blocked):\n${described.out}`);
    expect(described.out).toMatch(/^Workflow {3}cluster\/default\/kappa · Blocked · generation \d+ · 3 operations$/m);
    expect(described.out).toMatch(/^Blocked {4}drain node: DrainBlockedByPdb since \d+s$/m);
    expect(described.out).toContain(`           run ${run}\n           fix the cause, then capstan retry kappa\n`);
    expect(lineOf(described.out, `Machine/${victim}`)).toMatch(
      new RegExp(
        `Machine/${victim} +False +Error +StepFailed +\\d+s +v1\\.33\\.4 +v1\\.11\\.5 +\\S+/\\d+ +blocked at drain node: .*guard-budget`,
      ),
    );

    // Pause and resume reach the running operation (the scale-down), not the blocked machine run.
    const paused = await capstan('pause', name);
    expect(paused).toEqual({
      code: 0,
      out: expect.stringMatching(
        /^paused scale kappa-md-0 3 → 2: step 1\/1 .*: it holds before its next step; capstan resume kappa lets it go on\n$/,
      ) as string,
      err: '',
    });
    expect(await capstan('resume', name)).toEqual({
      code: 0,
      out: expect.stringMatching(/^resumed scale kappa-md-0 3 → 2: step 1\/1 /) as string,
      err: '',
    });

    await (await workload()).makeApiClient(PolicyV1Api).deleteNamespacedPodDisruptionBudget({ namespace: 'default', name: 'guard-budget' });
    expect(await capstan('retry', name)).toEqual({ code: 0, out: `retried "drain node" on ${run}\n`, err: '' });
    const watch = await capstan('watch', name, '--until-idle', '--interval', '0.5', '--timeout', '200');
    expect(watch.code).toBe(0);
    const done = await probe.settled(3);
    expect(done.machines.map((m) => m.name)).not.toContain(victim);
    console.info(`scale up, blocked drain, retry, scale down: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 420_000);

  it('names an unknown cluster, with the clusters that exist, and a cluster whose workflow has not started', async () => {
    const unknown =
      'capstan: cluster default/nope not found: no Cluster object and no cluster workflow\nhint: Clusters in namespace default: kappa\n';
    expect(await capstan('describe', 'cluster', 'nope')).toEqual({ code: 1, out: '', err: unknown });
    expect(await capstan('retry', 'nope')).toEqual({ code: 1, out: '', err: unknown });
    expect(await capstan('plan', 'nope')).toEqual({ code: 1, out: '', err: unknown });
    expect(await capstan('watch', 'nope', '--until-idle')).toEqual({ code: 1, out: '', err: unknown });
    expect((await capstan('get', 'kubeconfig', 'nope')).err).toBe(
      'capstan: no kubeconfig for default/nope: no Secret nope-kubeconfig and no Cluster object\nhint: Clusters in namespace default: kappa\n',
    );
    const otherNamespace = await capstan('describe', 'cluster', name, '-n', 'elsewhere');
    expect(otherNamespace.err).toBe(
      'capstan: cluster elsewhere/kappa not found: no Cluster object and no cluster workflow\nhint: namespace elsewhere has no Clusters; check -n/--namespace\n',
    );

    // Objects without a workflow: describe shows them and says so; the operator commands explain.
    await apply({ apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: 'lambda' }, spec: {} });
    const lambda = await capstan('describe', 'cluster', 'lambda');
    expect(lambda.code).toBe(0);
    expect(lambda.out).toContain('Workflow   not started: there is no cluster workflow cluster/default/lambda yet');
    expect((await capstan('retry', 'lambda')).err).toContain(
      'capstan: cluster default/lambda has no cluster workflow yet, so there is nothing to retry',
    );
    expect(await capstan('watch', 'lambda', '--until-idle', '--interval', '0.2', '--timeout', '1')).toEqual({
      code: 1,
      out: 'waiting for the controller to start the cluster workflow cluster/default/lambda\n',
      err: 'capstan: cluster default/lambda is still not started after 1 s\n',
    });
    const plan = await capstan('plan', 'lambda');
    expect(plan.code).toBe(1);
    expect(plan.err).toContain('capstan: the spec of default/lambda in namespace default is not valid');
    expect(plan.err).toContain('  - Cluster default/lambda spec.controlPlaneRef');
    expect((await capstan('get', 'kubeconfig', 'lambda')).err).toContain(
      'capstan: no kubeconfig for default/lambda: Secret default/lambda-kubeconfig does not exist yet',
    );
  });
});

async function guard(node: string, budget: string): Promise<void> {
  await guardNode(await workload(), node, budget);
}
