// ClusterClass end to end: one class and two Clusters made from it (alpha, beta), through the real
// controller, the real cluster workflows, a worker and the Proxmox and Talos simulators. Applied →
// both Provisioned from generated objects; topology.version and the talosVersion variable bumped
// three minors → Capstan's chained upgrade on both, one new VM per replaced worker; the class's
// worker template changed → each Cluster's workers roll out, control planes untouched; the
// Clusters deleted → no VM and no generated object left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterProgressQuery, type ClusterProgress } from '../../api/cluster-messages.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { conditionOf, messageOf, type StoredObject } from '../../embedded/controller-stack/capi-objects.ts';
import { expectVersions, versionMilestones } from '../harness/machine-versions.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { startFullStack, type FullStack } from '../harness/full-stack.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { generate } from '../cli/generate-run.ts';
import { simClusterClass, simTopologyCluster, simTopologyVariables, simWorkerTemplate } from './sim-cluster-class.ts';

const ns = 'classy';
/** Each Cluster's own 127.0.<net>.0/24. */
const nets = { alpha: 147, beta: 148 } as const;
type Name = keyof typeof nets;
const clusters = Object.keys(nets) as Name[];

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack('cluster-class');
  const controller = await stack.startController({ identity: 'classy-1' });
  await eventually(() => {
    expect(controller.leading).toBe(true);
  }, 30_000);
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

const progressOf = (name: Name): Promise<ClusterProgress> =>
  stack.client.workflow.getHandle(clusterWorkflowId(ns, name)).query(clusterProgressQuery);

/** Until the cluster workflow is Idle after `operations` operations; a Held cluster fails at once. */
async function settled(name: Name, operations: number): Promise<ClusterProgress> {
  const now = await eventually(
    async () => {
      const current = await progressOf(name);
      if (current.phase === 'Held') return current;
      if (current.phase !== 'Idle' || current.operations < operations)
        throw new Error(
          `${name} still ${current.phase} after ${current.operations} operations: ${current.operation?.summary ?? ''} ${JSON.stringify(current.blocked)}`,
        );
      return current;
    },
    300_000,
    250,
  );
  if (now.phase === 'Held') throw new Error(`${name} held: ${now.held ?? ''}`);
  return now;
}

const labelOf = (object: StoredObject, label: string): string | undefined =>
  (object.metadata as { labels?: Record<string, string> }).labels?.[label];
const names = (objects: readonly StoredObject[]): string[] => objects.map((o) => o.metadata.name).sort();
const machinesOf = async (cluster: Name): Promise<StoredObject[]> =>
  (await stack.objects.list('Machine', ns)).filter((m) => labelOf(m, 'cluster.x-k8s.io/cluster-name') === cluster);
const controlPlanesOf = async (cluster: Name) =>
  (await machinesOf(cluster)).filter((m) => labelOf(m, 'cluster.x-k8s.io/control-plane') === '');
const workersOf = async (cluster: Name) =>
  (await machinesOf(cluster)).filter((m) => labelOf(m, 'cluster.x-k8s.io/deployment-name') !== undefined);
/** The objects the controller generated for the Cluster, as `kind/name`. */
async function generatedFor(cluster: Name): Promise<string[]> {
  const found: string[] = [];
  for (const kind of ['ProxmoxCluster', 'TalosControlPlane', 'ProxmoxMachineTemplate', 'TalosConfigTemplate', 'MachineDeployment'] as const)
    for (const object of await stack.objects.list(kind, ns))
      if (labelOf(object, 'cluster.x-k8s.io/cluster-name') === cluster && labelOf(object, 'topology.cluster.x-k8s.io/owned') !== undefined)
        found.push(`${kind}/${object.metadata.name}`);
  return found.sort();
}
const vmsOf = (cluster: Name) => stack.proxmox.vms().filter((vm) => vm.name?.startsWith(`${cluster}-`));
const lastProxmoxEvent = (): number => stack.proxmox.events.list().at(-1)?.seq ?? 0;
const lastTalosEvent = (): number => stack.talos.events.list().at(-1)?.seq ?? 0;
/** VM names of the cluster created after a Proxmox event. */
const vmsCreatedSince = (cluster: Name, seq: number): string[] =>
  stack.proxmox.events
    .list()
    .filter((e) => e.seq > seq && e.type === 'vm.created' && e.name?.startsWith(`${cluster}-`))
    .map((e) => e.name ?? '')
    .sort();

/** Every Machine of the cluster is Running at these versions. */
describe('a ClusterClass and two Clusters made from it, on the real stack', { timeout: 600_000 }, () => {
  it('provisions both Clusters from the objects it generates for each', async () => {
    await stack.objects.apply(ns, [
      ...simClusterClass(),
      ...clusters.map((c) => simTopologyCluster(c, nets[c], { kubernetes: 'v1.32.9', talos: 'v1.10.7' })),
    ]);
    for (const cluster of clusters) {
      await eventually(
        async () => {
          const c = await stack.objects.get('Cluster', ns, cluster);
          expect(conditionOf(c, 'Ready'), messageOf(c, 'Ready')).toBe('True');
          expect(c?.status).toMatchObject({ phase: 'Provisioned', version: 'v1.32.9' });
        },
        300_000,
        250,
      );
      const progress = await settled(cluster, 1);
      expect(progress.recent).toEqual([expect.objectContaining({ kind: 'provision', outcome: 'Succeeded' })]);
      const generated = await generatedFor(cluster);
      expect(generated.map((g) => g.split('/')[0])).toEqual([
        'MachineDeployment',
        'ProxmoxCluster',
        'ProxmoxMachineTemplate',
        'ProxmoxMachineTemplate',
        'TalosConfigTemplate',
        'TalosControlPlane',
      ]);
      await eventually(
        async () => {
          const machines = await machinesOf(cluster);
          expect(machines).toHaveLength(2);
          expectVersions(machines, 'v1.32.9', 'v1.10.7');
          expect(
            vmsOf(cluster)
              .map((vm) => vm.name)
              .sort(),
          ).toEqual(names(machines));
          expect(vmsOf(cluster).every((vm) => vm.address?.startsWith(`127.0.${nets[cluster]}.`))).toBe(true);
        },
        30_000,
        250,
      );
    }
  });

  it('upgrades both v1.32.9 → v1.35.0 with Talos v1.10.7 → v1.12.0 through every minor when topology.version and talosVersion are bumped', async () => {
    const proxmoxBefore = lastProxmoxEvent();
    const talosBefore = lastTalosEvent();
    const before = Object.fromEntries(
      await Promise.all(
        clusters.map(async (c) => [c, { cp: names(await controlPlanesOf(c)), workers: names(await workersOf(c)) }] as const),
      ),
    ) as Record<Name, { cp: string[]; workers: string[] }>;
    for (const cluster of clusters)
      await stack.objects.patch('Cluster', ns, cluster, {
        spec: { topology: { version: 'v1.35.0', variables: simTopologyVariables(nets[cluster], 'v1.12.0') } },
      });
    for (const cluster of clusters) {
      const progress = await settled(cluster, 2);
      expect(progress.recent[1]).toMatchObject({
        kind: 'upgrade',
        summary: 'upgrade Kubernetes v1.32.9 → v1.35.0, Talos v1.10.7 → v1.12.0',
        outcome: 'Succeeded',
      });
      // Each minor at the catalog's newest patch, Talos moved once the next minor needs it.
      expect(versionMilestones(stack.talos, cluster, talosBefore)).toEqual([
        'Kubernetes v1.33.5',
        'Talos v1.11.5',
        'Kubernetes v1.34.2',
        'Talos v1.12.0',
        'Kubernetes v1.35.0',
      ]);
      await eventually(
        async () => {
          expectVersions(await machinesOf(cluster), 'v1.35.0', 'v1.12.0');
          expect((await stack.objects.get('Cluster', ns, cluster))?.status?.['version']).toBe('v1.35.0');
        },
        30_000,
        250,
      );
      // The control plane in place; each worker replaced by exactly one new VM.
      expect(names(await controlPlanesOf(cluster))).toEqual(before[cluster].cp);
      const workers = names(await workersOf(cluster));
      expect(workers.filter((w) => before[cluster].workers.includes(w))).toEqual([]);
      expect(vmsCreatedSince(cluster, proxmoxBefore)).toEqual(workers);
      const violations = invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), { cluster });
      // One etcd member is down while it reboots into each new Talos: what one control plane means.
      expect(violations.filter((v) => !v.startsWith(`etcd quorum of ${cluster} was lost`))).toEqual([]);
    }
  });

  it("rolls each Cluster's workers out onto new VMs when the class's worker template changes, control planes untouched", async () => {
    const proxmoxBefore = lastProxmoxEvent();
    const before = Object.fromEntries(
      await Promise.all(
        clusters.map(async (c) => [c, { cp: names(await controlPlanesOf(c)), workers: names(await workersOf(c)) }] as const),
      ),
    ) as Record<Name, { cp: string[]; workers: string[] }>;
    await stack.objects.patch('ProxmoxMachineTemplate', ns, simWorkerTemplate, { spec: { template: { spec: { memoryMiB: 3072 } } } });
    for (const cluster of clusters) {
      const progress = await settled(cluster, 3);
      // The upgrade's new bootstrap template (talosVersion) started no rollout of its own: one operation each.
      expect(progress.operations).toBe(3);
      expect(progress.recent.map((r) => `${r.kind}: ${r.outcome}`)).toEqual([
        'provision: Succeeded',
        'upgrade: Succeeded',
        'rollout-machine-deployment: Succeeded',
      ]);
      await eventually(
        async () => {
          const workers = await workersOf(cluster);
          expect(workers).toHaveLength(1);
          expect(names(workers).filter((w) => before[cluster].workers.includes(w))).toEqual([]);
          expectVersions(workers, 'v1.35.0', 'v1.12.0');
        },
        30_000,
        250,
      );
      const workers = names(await workersOf(cluster));
      expect(vmsCreatedSince(cluster, proxmoxBefore)).toEqual(workers);
      expect(names(await controlPlanesOf(cluster))).toEqual(before[cluster].cp);
      // Proxmox reports the memory (MiB) as a string.
      expect(
        vmsOf(cluster)
          .map((vm) => [vm.name, vm.config['memory']])
          .sort(),
      ).toEqual([...before[cluster].cp.map((cp) => [cp, '2048']), ...workers.map((w) => [w, '3072'])].sort());
      // The rotated-away worker template is gone: one template per control plane and MachineDeployment.
      await eventually(
        async () => {
          expect((await generatedFor(cluster)).filter((g) => g.startsWith('ProxmoxMachineTemplate/'))).toHaveLength(2);
        },
        30_000,
        250,
      );
    }
  });

  it('deletes both Clusters: no VM and no generated object left, the class stays', async () => {
    const talosBefore = lastTalosEvent();
    for (const cluster of clusters) await stack.objects.remove('Cluster', ns, cluster);
    await eventually(
      async () => {
        for (const cluster of clusters) expect(await stack.objects.get('Cluster', ns, cluster)).toBeUndefined();
      },
      300_000,
      250,
    );
    for (const cluster of clusters) {
      expect(vmsOf(cluster)).toEqual([]);
      expect(await machinesOf(cluster)).toEqual([]);
      await eventually(
        async () => {
          expect(await generatedFor(cluster)).toEqual([]);
        },
        30_000,
        250,
      );
      expect(await stack.client.workflow.getHandle(clusterWorkflowId(ns, cluster)).result()).toEqual({ deleted: true });
      // The whole log is judged again: the single control plane's etcd outages during the upgrade are expected, as above.
      expect(
        invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), {
          cluster,
          deletedAfterTalosEvent: talosBefore,
        }).filter((v) => !v.startsWith(`etcd quorum of ${cluster} was lost`)),
      ).toEqual([]);
    }
    expect(await stack.objects.get('ClusterClass', ns, 'talos-proxmox')).toBeDefined();
    expect(await stack.objects.get('ProxmoxMachineTemplate', ns, simWorkerTemplate)).toBeDefined();
  });

  it('takes what `capstan generate cluster` prints, in each flavor, to Ready, and deletes it', async () => {
    // The simulators' Proxmox (template 9000 on pve1) and a /24 of their own per cluster.
    const flavors = { 'gen-plain': { net: 149, flavor: 'plain' }, 'gen-topology': { net: 150, flavor: 'topology' } } as const;
    for (const [name, { net, flavor }] of Object.entries(flavors)) {
      const { objects } = await generate(name, [
        ...['--flavor', flavor, '--class-name', 'generated', '--target-namespace', ns],
        ...['--kubernetes-version', 'v1.32.9', '--talos-version', 'v1.10.7', '--worker-machine-count', '1'],
        ...['--source-node', 'pve1', '--template-vmid', '9000', '--memory-mib', '2048', '--num-sockets', '1'],
        ...['--control-plane-endpoint-ip', `127.0.${net}.10`, '--node-ip-ranges', `127.0.${net}.11-127.0.${net}.40`],
        ...['--gateway', `127.0.${net}.1`, '--ip-prefix', '24', '--dns-servers', `127.0.${net}.1`],
      ]);
      await stack.objects.apply(ns, objects);
    }
    for (const name of Object.keys(flavors)) {
      await eventually(
        async () => {
          const c = await stack.objects.get('Cluster', ns, name);
          expect(conditionOf(c, 'Ready'), `${name}: ${messageOf(c, 'Ready') ?? ''}`).toBe('True');
          expect(c?.status).toMatchObject({ phase: 'Provisioned', version: 'v1.32.9' });
        },
        300_000,
        250,
      );
      expect(stack.proxmox.vms().filter((vm) => vm.name?.startsWith(`${name}-`))).toHaveLength(2);
    }
    for (const name of Object.keys(flavors)) await stack.objects.remove('Cluster', ns, name);
    await eventually(
      async () => {
        for (const name of Object.keys(flavors)) expect(await stack.objects.get('Cluster', ns, name)).toBeUndefined();
      },
      300_000,
      250,
    );
    for (const name of Object.keys(flavors)) expect(stack.proxmox.vms().filter((vm) => vm.name?.startsWith(`${name}-`))).toEqual([]);
  });
});
