// A rolling update of N workers with maxSurge s (maxUnavailable 0), started by a new machine shape
// in the desired spec: the rollout child workflow's wall time against ⌈N/s⌉ replacements
// (bench/critical-path/rolling-path.ts).
import type { BenchSection } from '../report/bench-section.ts';
import { workerReplacement } from '../critical-path/machine-path.ts';
import { rollingCriticalPath } from '../critical-path/rolling-path.ts';
import { BenchCluster, benchDesiredCluster, benchMachine, wallMs } from './bench-cluster.ts';
import { cloneSlots, delaysOf, opsStack, secondsText, timingRows, type OpsSettings } from './ops-settings.ts';
import { workerVmsCreated } from './vm-creations.ts';

/** The section for `replicas` workers and `maxSurge`. */
export function rollingSection(settings: OpsSettings & { readonly replicas: number; readonly maxSurge: number }): BenchSection {
  const { replicas, maxSurge } = settings;
  return {
    name: 'rolling',
    title: `rolling update of ${replicas} workers, maxSurge ${maxSurge}, maxUnavailable 0: wall / (⌈N/s⌉ × one replacement)`,
    async run(context) {
      const stack = await opsStack(context, settings);
      const name = 'bench-rolling';
      const cluster = new BenchCluster(
        stack,
        benchDesiredCluster(name, 121, {
          kubernetesVersion: 'v1.32.9',
          talosVersion: 'v1.10.7',
          controlPlane: { replicas: 1, machine: benchMachine },
          machineDeployments: [
            { name: 'md-0', replicas, machine: benchMachine, strategy: { type: 'RollingUpdate', maxSurge, maxUnavailable: 0 } },
          ],
        }),
      );
      await cluster.apply(cluster.desired);
      context.log(`provisioning ${name} (not measured)…`);
      await cluster.settled(0, 900_000, context.log);
      const createdBefore = workerVmsCreated(stack, name, 'md-0');
      // A new machine shape: every worker is replaced.
      const before = await cluster.apply(
        cluster.changed((d) => ({
          machineDeployments: (d.machineDeployments ?? []).map((md) => ({ ...md, machine: { ...md.machine, memoryMiB: 3072 } })),
        })),
      );
      await cluster.settled(before, 900_000, context.log);
      const run = await cluster.lastOperation('machineDeploymentWorkflow');
      const created = workerVmsCreated(stack, name, 'md-0') - createdBefore;
      const delays = delaysOf(settings);
      const path = rollingCriticalPath(delays, { replicas, maxSurge, cloneSlots });
      const wall = wallMs(run);
      context.log(`deleting ${name}…`);
      await cluster.delete(600_000);
      return {
        rows: [
          ...timingRows(wall, path, {
            target: { max: 1.1 },
            runs: run.workflowId,
            path: `${Math.ceil(replicas / maxSurge)} × ${secondsText(workerReplacement(delays))} per replacement`,
          }),
          { metric: 'worker VMs created', value: created, unit: 'count', target: { max: replicas }, detail: `${replicas} workers` },
        ],
        notes: [
          `one replacement at sim scale ${settings.scale}: clone, tag + configure, start, boot, install, services ready, nodeReady, then the old VM stopped and destroyed (cordon and drain have no configured delay)`,
        ],
      };
    },
  };
}
