// Capstan as a platform team runs it: two worker processes and two controller processes (one
// leads through the Lease, one stands by) on the production-like Temporal (PostgreSQL), each with
// its ServiceAccount's token. A cluster is provisioned and rolled; while a machine of the rollout
// is being cloned, the worker running that clone and the leading controller are SIGKILLed. The
// rollout completes on the other worker, the standby takes the Lease within its lease duration
// (the production defaults: 15 s), no VM is cloned twice, and the delete leaves nothing behind.
import { writeFileSync } from 'node:fs';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterProgressQuery, type ClusterProgress } from '../../api/cluster-messages.ts';
import { cloneSlotsQuery } from '../../api/clone-slots.ts';
import { cloneSlotsWorkflowId, clusterWorkflowId } from '../../api/ids.ts';
import { capiObjects, CapiKinds, type CapiKindName, type CapiObjects } from '../../embedded/controller-stack/capi-objects.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { startProductionTemporal, type ProductionTemporal } from '../../embedded/servers/production-temporal.ts';
import { createSimKubeStarter } from '../../embedded/servers/sim-light-mode.ts';
import type { SimKubeApiservers } from '../../embedded/servers/sim-kube-apiservers.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { startProxmoxSim, type ProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../../sim/talos/index.ts';
import { startControllerProcess, startWorkerProcess, type CapstanProcess } from '../harness/capstan-processes.ts';
import { capstanServiceAccountKubeconfigs, capstanSystem } from '../harness/capstan-service-accounts.ts';
import { peakClonesPerStorage } from '../harness/clone-concurrency.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { renamedTemplate, simClusterManifests } from './sim-cluster-manifests.ts';

const ns = 'multi';
const cluster = 'mu';
const manifests = simClusterManifests(cluster, 122, { controlPlanes: 1, workers: 2 });
const leaseName = 'capstan-controller';

const dir = makeTempDir('multi');
let temporal: ProductionTemporal;
let management: ManagementCluster;
let proxmox: ProxmoxSim;
let kube: SimKubeApiservers;
let talos: TalosSim;
let client: Client;
let objects: CapiObjects;
const processes: CapstanProcess[] = [];

beforeAll(async () => {
  [temporal, management] = await Promise.all([
    startProductionTemporal(),
    startManagementCluster({ dataDir: `${dir.path}/management`, ephemeral: true, capstanCrds: true }),
  ]);
  proxmox = await startProxmoxSim({ scale: 0.01, seed: 14 });
  writeFileSync(`${dir.path}/pve-root-ca.pem`, proxmox.caPem);
  kube = createSimKubeStarter(true, { dataDir: `${dir.path}/sim-kube` });
  talos = await startTalosSim({
    proxmox,
    startKubeApiserver: kube.start,
    dataDir: `${dir.path}/talos`,
    scale: 0.02,
    seed: 14,
    sharedKubernetes: true,
  });
  client = new Client({ connection: temporal.connection, namespace: temporal.namespace });
  objects = capiObjects(management.kubeConfig);

  const kubeconfigs = await capstanServiceAccountKubeconfigs(management, dir.path);
  const temporalAt = { address: temporal.address, namespace: temporal.namespace };
  const workerEnv = {
    PROXMOX_URL: proxmox.url,
    PROXMOX_TOKEN_ID: proxmox.token.id,
    PROXMOX_TOKEN_SECRET: proxmox.token.secret,
    PROXMOX_CA_FILE: `${dir.path}/pve-root-ca.pem`,
  };
  for (const name of ['worker-1', 'worker-2'])
    processes.push(await startWorkerProcess({ name, kubeconfigPath: kubeconfigs.worker, temporal: temporalAt, env: workerEnv }));
  for (const name of ['controller-1', 'controller-2'])
    processes.push(
      await startControllerProcess({
        name,
        kubeconfigPath: kubeconfigs.controller,
        temporal: temporalAt,
        env: { CAPSTAN_CONTROLLER_NAMESPACE: capstanSystem },
      }),
    );
  await Promise.all(processes.map((p) => p.waitReady()));
}, 300_000);
afterAll(async () => {
  for (const p of processes) await p.stop();
  await talos.stop();
  await kube.stop();
  await proxmox.stop();
  await management.stop();
  await temporal.stop();
  dir.remove();
});

const lease = async () =>
  (await management.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace: capstanSystem, name: leaseName })).spec;

const progress = (): Promise<ClusterProgress> => client.workflow.getHandle(clusterWorkflowId(ns, cluster)).query(clusterProgressQuery);

/** Until the cluster workflow is Idle after `operations` operations. */
function settled(operations: number): Promise<ClusterProgress> {
  return eventually(
    async () => {
      const now = await progress();
      if (now.phase !== 'Idle' || now.operations < operations)
        throw new Error(
          `${now.phase} after ${now.operations}: ${now.operation?.summary ?? now.held ?? ''} ${now.operation?.currentStep ?? ''}`,
        );
      return now;
    },
    180_000,
    250,
  );
}

/** The clone semaphore of the template's storage on the simulated Proxmox VE. */
const slots = () => client.workflow.getHandle(cloneSlotsWorkflowId(new URL(proxmox.url).host, 'ceph'));

/** The worker process whose clone step holds a clone slot right now, and that slot's holder. */
async function workerCloning(): Promise<{ worker: CapstanProcess; workflowId: string; holder: string } | undefined> {
  // Only holders that renewed for a clone's long lease: a holder granted a moment ago has not
  // seen its grant yet, has not started cloning, and rightly loses its slot after the short wait lease.
  const holders = (await slots().query(cloneSlotsQuery)).holders.filter((h) => h.leaseUntil - Date.now() > 2 * 60_000).map((h) => h.holder);
  for await (const run of client.workflow.list({ query: `WorkflowType = "createMachineWorkflow" AND ExecutionStatus = "Running"` })) {
    const holder = holders.find((h) => h.startsWith(`${run.workflowId}/`));
    if (!holder) continue;
    const { raw } = await client.workflow.getHandle(run.workflowId).describe();
    for (const activity of raw.pendingActivities ?? []) {
      const worker = processes.find((p) => p.role === 'worker' && activity.lastWorkerIdentity?.startsWith(`${p.pid}@`));
      if (worker && activity.activityType?.name === 'proxmoxEnsureVm') return { worker, workflowId: run.workflowId, holder };
    }
  }
  return undefined;
}

describe('two workers and two controllers', () => {
  it(
    'finish a rolling update when the worker cloning for it and the leading controller are SIGKILLed; the standby takes over within its lease; delete leaves nothing',
    { timeout: 480_000 },
    async () => {
      const started = Date.now();
      await objects.apply(ns, manifests);
      const provisioned = await settled(1);
      expect(provisioned.recent.at(-1)).toMatchObject({ kind: 'provision', outcome: 'Succeeded' });
      const leader = (await lease())?.holderIdentity;
      const leading = processes.find((p) => p.role === 'controller' && p.name === leader);
      const standby = processes.find((p) => p.role === 'controller' && p !== leading);
      if (!leading || !standby) throw new Error(`no controller leads (Lease held by ${leader ?? 'nobody'})`);
      console.log(`provisioned in ${Date.now() - started} ms; ${leading.name} leads`);

      // Clones of a bigger disk from now on (4 s here): long enough to catch one running.
      proxmox.setTiming({ clone: 400_000 });
      // The rolling update: a new template, the MachineDeployment pointed at it (as CAPI users do).
      const oldWorkers = provisioned.machines.filter((m) => m.deployment !== undefined).map((m) => m.name);
      await objects.apply(ns, [
        renamedTemplate(manifests, `${cluster}-workers`, `${cluster}-workers-v2`, (spec) => {
          spec['numCores'] = 4;
        }),
      ]);
      await objects.patch('MachineDeployment', ns, `${cluster}-md-0`, {
        spec: { template: { spec: { infrastructureRef: { name: `${cluster}-workers-v2` } } } },
      });
      const victim = await eventually(
        async () => {
          const running = await workerCloning().catch(() => undefined);
          if (!running) throw new Error('no machine of the rollout is cloning yet');
          return running;
        },
        120_000,
        50,
      );
      const killedAt = Date.now();
      await Promise.all([victim.worker.kill(), leading.kill()]);
      console.log(`SIGKILLed ${victim.worker.name} (cloning for ${victim.workflowId}) and ${leading.name}`);

      // The standby's first act as leader is taking the Lease; it writes acquireTime itself.
      const taken = await eventually(
        async () => {
          const spec = await lease();
          if (spec?.holderIdentity !== standby.name) throw new Error(`Lease held by ${spec?.holderIdentity ?? 'nobody'}`);
          return {
            seenAt: Date.now(),
            acquiredAt: new Date(spec.acquireTime ?? 0).getTime(),
            durationSeconds: spec.leaseDurationSeconds ?? 0,
          };
        },
        60_000,
        50,
      );
      const takeoverMs = taken.acquiredAt - killedAt;
      console.log(
        `takeover: ${standby.name} acquired the Lease ${takeoverMs} ms after the SIGKILL (seen ${taken.seenAt - killedAt} ms after; leaseDurationSeconds ${taken.durationSeconds})`,
      );
      // Within its lease: as client-go's, it runs from the standby's own sight of the last renewal
      // (one retry period, 2 s, at most after it), and the standby acts on its next round (another 2 s).
      expect(takeoverMs).toBeLessThanOrEqual(taken.durationSeconds * 1000 + 2 * 2_000 + 1_000);

      const rolled = await settled(2);
      expect(rolled.recent.at(-1)).toMatchObject({ kind: 'rollout-machine-deployment', outcome: 'Succeeded' });
      const newWorkers = rolled.machines.filter((m) => m.deployment !== undefined).map((m) => m.name);
      expect(newWorkers).toHaveLength(2);
      expect(newWorkers.filter((n) => oldWorkers.includes(n))).toEqual([]);
      const vms = () => proxmox.vms().filter((vm) => vm.name?.startsWith(`${cluster}-`));
      expect(
        vms()
          .filter((vm) => newWorkers.includes(vm.name ?? ''))
          .map((vm) => [vm.name, vm.config['cores']])
          .sort(),
      ).toEqual(newWorkers.map((name) => [name, 4]).sort());
      console.log(`rollout finished ${Date.now() - killedAt} ms after the kill`);

      // One clone per machine name over the cluster's whole life (provision and rollout).
      const created = proxmox.events.list({ type: 'vm.created' }).filter((e) => e.name?.startsWith(`${cluster}-`));
      const clones = new Map<string, number>();
      for (const event of created) clones.set(event.name ?? '', (clones.get(event.name ?? '') ?? 0) + 1);
      expect([...clones].filter(([, count]) => count !== 1)).toEqual([]);
      expect(clones.size).toBe(1 + 2 + 2);

      // Delete everything the file created, as `kubectl delete -f` does.
      const beforeDelete = talos.events.list().at(-1)?.seq ?? 0;
      for (const document of manifests) await objects.remove(document.kind as CapiKindName, ns, document.metadata.name);
      await objects.remove('ProxmoxMachineTemplate', ns, `${cluster}-workers-v2`);
      await eventually(
        async () => {
          expect(await objects.get('Cluster', ns, cluster)).toBeUndefined();
        },
        120_000,
        250,
      );
      expect(vms()).toEqual([]);
      for (const kind of Object.keys(CapiKinds) as CapiKindName[]) expect(await objects.list(kind, ns), kind).toEqual([]);
      expect(invariantViolations(proxmox.events.list(), talos.events.list(), { cluster, deletedAfterTalosEvent: beforeDelete })).toEqual(
        [],
      );

      // The dead worker's clone went on in Proxmox under its slot: the retry of its clone step took
      // the slot over (same holder) and gave it back once it saw the clone end; never more than the limit at once.
      expect(Object.values(peakClonesPerStorage(proxmox.events.list())).filter((peak) => peak > 2)).toEqual([]);
      expect((await slots().query(cloneSlotsQuery)).holders.map((h) => h.holder)).not.toContain(victim.holder);

      // Nothing of Capstan still runs but the clone semaphores (until their idle time), with no waiter and no holder.
      const running: string[] = [];
      for await (const run of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) running.push(run.workflowId);
      expect(running.filter((id) => !id.startsWith('capstan-clone-slots/'))).toEqual([]);
      for (const id of running) {
        const slots = await client.workflow.getHandle(id).query(cloneSlotsQuery);
        console.log(`${id}: limit ${slots.limit}, held by [${slots.holders.map((h) => h.holder).join(', ')}]`);
        expect(slots.waiting).toEqual([]);
        expect(slots.holders).toEqual([]);
      }
      console.log(`whole test ${Date.now() - started} ms`);
    },
  );
});
