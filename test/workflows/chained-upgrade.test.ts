// A chained upgrade over three minors (v1.32.9 → v1.35.0, Talos v1.10.7 → v1.12.0, the shipped
// catalog) touches each machine once: RollingUpdate workers are replaced exactly once, with the
// final kubelet and Talos, InPlace workers are never replaced, and nothing follows the upgrade.
// Judged from the simulators' event logs, not from the workflows' own account.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredClusterSignal, planQuery } from '../../api/cluster-messages.ts';
import { defaultVersionCatalog } from '../../api/capi/default-version-catalog.ts';
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';
import { invariantViolations } from '../harness/invariants.ts';
import { ClusterProbe, startClusterWorkflow, type ClusterHandle } from './cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';

let stack: LifecycleStack;
beforeAll(async () => {
  stack = await startLifecycleStack('chained');
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

const cluster = 'kappa';
/** One InPlace control plane, md-r replaced (surge 1, unavailable 0), md-i upgraded in place. */
const spec: DesiredClusterInput = simDesiredCluster(cluster, 94, {
  kubernetesVersion: 'v1.32.9',
  talosVersion: 'v1.10.7',
  controlPlane: { replicas: 1, machine: simMachineShape, strategy: { type: 'InPlace' } },
  machineDeployments: [
    {
      name: 'md-r',
      replicas: 2,
      machine: simMachineShape,
      strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
      nodeDrainTimeoutSeconds: 120,
    },
    { name: 'md-i', replicas: 1, machine: simMachineShape, strategy: { type: 'InPlace' }, nodeDrainTimeoutSeconds: 120 },
  ],
  versionCatalog: defaultVersionCatalog,
  // Observations a few seconds apart, so the test can see that none of them starts anything.
  observeIntervalSeconds: 5,
});

/** VM names created after a Proxmox event, in order. */
const vmsCreatedSince = (seq: number): string[] =>
  stack.proxmox.events
    .list()
    .filter((e) => e.seq > seq && e.type === 'vm.created')
    .map((e) => e.name ?? '');

describe('chained upgrade', { timeout: 900_000 }, () => {
  let handle: ClusterHandle;
  let probe: ClusterProbe;

  it('replaces each RollingUpdate worker exactly once across v1.32.9 → v1.35.0 with Talos v1.10.7 → v1.12.0, and plans nothing after', async () => {
    handle = await startClusterWorkflow(stack.env.client, stack.taskQueue, spec);
    probe = new ClusterProbe(handle);
    const provisioned = await probe.settled(1);
    const workersOf = (group: string, machines = provisioned.machines) =>
      machines
        .filter((m) => m.deployment === group)
        .map((m) => m.name)
        .sort();
    const before = { replaced: workersOf('md-r'), inPlace: workersOf('md-i') };
    const proxmoxBefore = stack.proxmox.events.list().at(-1)?.seq ?? 0;
    const talosBefore = stack.talos.events.list().at(-1)?.seq ?? 0;

    const next = { ...spec, kubernetesVersion: 'v1.35.0', talosVersion: 'v1.12.0', generation: 2 };
    await handle.signal(desiredClusterSignal, next);
    const done = await probe.settled(2, 600_000);
    expect(done.recent.at(-1)).toMatchObject({ kind: 'upgrade', outcome: 'Succeeded' });
    expect(done.machines.every((m) => m.kubernetesVersion === 'v1.35.0' && m.talosVersion === 'v1.12.0')).toBe(true);

    // Each old md-r worker gave way to exactly one new VM; md-i and the control plane kept theirs.
    const after = { replaced: workersOf('md-r', done.machines), inPlace: workersOf('md-i', done.machines) };
    const created = vmsCreatedSince(proxmoxBefore);
    expect(created.sort()).toEqual(after.replaced);
    expect(after.replaced.filter((name) => before.replaced.includes(name))).toEqual([]);
    expect(after.inPlace).toEqual(before.inPlace);
    const violations = invariantViolations(stack.proxmox.events.list(), stack.talos.events.list(), {
      cluster,
      availability: [
        { deployment: 'md-r', minReady: 2, afterTalosEvent: talosBefore },
        { deployment: 'md-i', minReady: 0, afterTalosEvent: talosBefore },
      ],
    });
    // A single etcd member is down while it reboots into each new Talos: that is what one control
    // plane means (kept to one so this test stays short); every other invariant holds.
    expect(violations.filter((v) => !v.startsWith(`etcd quorum of ${cluster} was lost`))).toEqual([]);

    // Nothing follows: through two more observations no operation starts, and the dry run agrees.
    // (Real time: the test server's leaked time-skipping locks would make env.sleep real anyway.)
    await delay(12_000);
    const later = await probe.settled(2);
    expect(later.operations).toBe(2);
    expect(vmsCreatedSince(proxmoxBefore)).toHaveLength(after.replaced.length);
    expect(await handle.query(planQuery)).toMatchObject({ ok: true, operation: 'none' });
  });
});
