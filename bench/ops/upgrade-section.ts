// A chained upgrade over three minors (Kubernetes v1.32.9 → v1.35.0, Talos v1.10.7 → v1.12.0, the
// catalog Capstan ships): control planes InPlace, workers RollingUpdate. Figures: VM creations
// per worker slot during the upgrade (target 1: each worker replaced once), and the wall time from
// the first upgrade operation's start to the last one's close against the critical path of the
// plan's hops (bench/critical-path/upgrade-path.ts explains the model).
import { defaultVersionCatalog } from '../../api/capi/default-version-catalog.ts';
import { planUpgradePath } from '../../plan/upgrade-path.ts';
import type { BenchSection } from '../report/bench-section.ts';
import { upgradeCriticalPath } from '../critical-path/upgrade-path.ts';
import { BenchCluster, benchDesiredCluster, benchMachine } from './bench-cluster.ts';
import { cloneSlots, delaysOf, opsStack, secondsText, timingRows, type OpsSettings } from './ops-settings.ts';
import { workerVmsCreated } from './vm-creations.ts';

const from = { kubernetes: 'v1.32.9', talos: 'v1.10.7' };
const to = { kubernetes: 'v1.35.0', talos: 'v1.12.0' };
const controlPlanes = 3;
const workers = 2;
const maxSurge = 1;

/** The section. */
export function upgradeSection(settings: OpsSettings): BenchSection {
  return {
    name: 'upgrade',
    title: `chained upgrade Kubernetes ${from.kubernetes} → ${to.kubernetes}, Talos ${from.talos} → ${to.talos}: ${controlPlanes} control planes InPlace, ${workers} workers RollingUpdate`,
    async run(context) {
      const plan = planUpgradePath({
        catalog: defaultVersionCatalog,
        controlPlane: from.kubernetes,
        talos: from.talos,
        workers: [{ name: 'md-0', version: from.kubernetes }],
        target: to,
      });
      if (!plan.ok) throw new Error(`the planner refuses the bench's upgrade: ${plan.reason}`);
      const stack = await opsStack(context, settings);
      const name = 'bench-upgrade';
      const cluster = new BenchCluster(
        stack,
        benchDesiredCluster(name, 122, {
          kubernetesVersion: from.kubernetes,
          talosVersion: from.talos,
          controlPlane: { replicas: controlPlanes, machine: benchMachine, strategy: { type: 'InPlace' } },
          machineDeployments: [
            {
              name: 'md-0',
              replicas: workers,
              machine: benchMachine,
              strategy: { type: 'RollingUpdate', maxSurge, maxUnavailable: 0 },
            },
          ],
        }),
      );
      await cluster.apply(cluster.desired);
      context.log(`provisioning ${name} (not measured)…`);
      await cluster.settled(0, 900_000, context.log);
      const createdBefore = workerVmsCreated(stack, name, 'md-0');
      const operationsBefore = (await cluster.operations()).length;
      const before = await cluster.apply(cluster.changed(() => ({ kubernetesVersion: to.kubernetes, talosVersion: to.talos })));
      await cluster.settled(before, 1_800_000, context.log);
      const runs = (await cluster.operations()).slice(operationsBefore);
      const first = runs[0];
      const last = runs.at(-1);
      if (!first || !last) throw new Error(`${name} ran no operation for the upgrade`);
      const wall = last.closedAt - first.startedAt;
      const created = workerVmsCreated(stack, name, 'md-0') - createdBefore;
      const path = upgradeCriticalPath(delaysOf(settings), plan.hops, {
        controlPlanes,
        controlPlaneStrategy: 'InPlace',
        workers,
        maxSurge,
        cloneSlots,
      });
      context.log(`deleting ${name}…`);
      await cluster.delete(600_000);
      return {
        rows: [
          {
            metric: 'VM replacements per worker',
            value: created / workers,
            unit: 'count',
            target: { max: 1 },
            detail: `${created} worker VMs created for ${workers} workers`,
          },
          ...timingRows(wall, path.totalMs, {
            runs: runs.map((r) => r.workflowId).join(', '),
            path: `control plane ${secondsText(path.controlPlaneMs)} + workers ${secondsText(path.workersMs)}`,
          }),
        ],
        notes: [
          `plan: ${plan.hops.map((h) => h.description).join(' → ')}`,
          `critical path at sim scale ${settings.scale}: control planes one at a time, a Talos hop = upgrade boot + services ready + nodeReady, a Kubernetes hop in place has no configured delay; workers replaced once, after the last Kubernetes hop, ⌈N/s⌉ replacements`,
        ],
      };
    },
  };
}
