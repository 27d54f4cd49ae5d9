// Provision 3 control planes + N workers: the provision child workflow's wall time against the
// critical path the infrastructure allows (bench/critical-path/provision-path.ts).
import type { BenchSection } from '../report/bench-section.ts';
import { provisionCriticalPath } from '../critical-path/provision-path.ts';
import { BenchCluster, benchDesiredCluster, benchMachine, wallMs } from './bench-cluster.ts';
import { cloneSlots, delaysOf, opsStack, seconds, secondsText, timingRows, type OpsSettings } from './ops-settings.ts';
import type { OpsStack } from './ops-stack.ts';

/** The target the issue sets. */
const target = { max: 1.1 };

/** The section for `workers` workers. */
export function provisionSection(settings: OpsSettings & { readonly workers: number }): BenchSection {
  const controlPlanes = 3;
  return {
    name: 'provision',
    title: `provision ${controlPlanes} control planes + ${settings.workers} workers: wall / critical path`,
    async run(context) {
      const stack = await opsStack(context, settings);
      const cluster = new BenchCluster(
        stack,
        benchDesiredCluster('bench-provision', 120, {
          kubernetesVersion: 'v1.32.9',
          talosVersion: 'v1.10.7',
          controlPlane: { replicas: controlPlanes, machine: benchMachine },
          machineDeployments: [{ name: 'md-0', replicas: settings.workers, machine: benchMachine }],
        }),
      );
      await cluster.apply(cluster.desired);
      await cluster.settled(0, 900_000, context.log);
      const run = await cluster.lastOperation('provisionWorkflow');
      const apiserverStartMs = measuredApiserverStart(stack, cluster.desired.name);
      const delays = delaysOf(settings);
      const shape = { controlPlanes, workers: settings.workers, cloneSlots };
      const path = provisionCriticalPath(delays, { ...shape, apiserverStartMs });
      const configuredOnly = provisionCriticalPath(delays, shape);
      const wall = wallMs(run);
      context.log(`deleting ${cluster.desired.name}…`);
      await cluster.delete(600_000);
      return {
        rows: [
          ...timingRows(wall, path.totalMs, {
            target,
            runs: run.workflowId,
            path: `configured delays ${secondsText(configuredOnly.totalMs)} + kube-apiserver start`,
          }),
          { metric: 'kube-apiserver start (measured)', value: seconds(apiserverStartMs), unit: 's', detail: 'etcd bootstrapped → API up' },
        ],
        notes: [
          `critical path at sim scale ${settings.scale}: clones ${cloneSlots} at a time, control planes first; etcd joins one learner at a time; every Node Ready at max(services ready + nodeReady, API up); the first control plane's kube-apiserver start is a real process in the sim, measured from its event log and added`,
          `bootstrap at ${secondsText(path.bootstrapAt)}, API up at ${secondsText(path.apiUpAt)}, control planes voting at ${path.votingAt.map(secondsText).join(', ')}, last Node Ready at ${secondsText(Math.max(...path.nodeReadyAt))}`,
        ],
      };
    },
  };
}

/** etcd bootstrapped → Kubernetes API up for the cluster, from the Talos simulator's event log. */
export function measuredApiserverStart(stack: OpsStack, cluster: string): number {
  const events = stack.talos.events.list({ type: ['etcd.bootstrapped', 'k8s.api-up'], cluster });
  const bootstrapped = events.find((e) => e.type === 'etcd.bootstrapped');
  const up = events.find((e) => e.type === 'k8s.api-up');
  if (!bootstrapped || !up) throw new Error(`the Talos simulator recorded no bootstrap and API up for ${cluster}`);
  return Date.parse(up.at) - Date.parse(bootstrapped.at);
}
