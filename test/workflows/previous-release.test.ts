// Upgrading Capstan while an operation runs: the previous release's workflow code (its recorded
// bundle, test/replay/releases/) starts an upgrade, its worker shuts down between two steps, and a
// worker with today's workflow code, on the same task queue, finishes it. Today's code must replay
// what the old code did (patched() where it differs); a nondeterminism error fails the workflow
// task, which the histories show.
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type WorkerOptions } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredClusterSignal } from '../../api/cluster-messages.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { recordedReleases, releaseBundlePath } from '../../tools/workflow-releases.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';
import { ClusterProbe, startClusterWorkflow } from './cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';

const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;
const previous = recordedReleases()[0];
let stack: LifecycleStack;
let current: WorkerOptions['workflowBundle'];
beforeAll(async () => {
  // The dev server (the real server's code) hands the workflows from one worker to the next as in a cluster.
  [stack, current] = await Promise.all([
    startLifecycleStack('previous-release', 'dev-server', { worker: false }),
    bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)) }),
  ]);
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

/** A worker on the stack's task queue, named so the histories tell which code ran each workflow task. */
async function startWorker(identity: string, workflowBundle: NonNullable<WorkerOptions['workflowBundle']>) {
  const worker = await Worker.create({
    connection: stack.env.nativeConnection,
    taskQueue: stack.taskQueue,
    identity,
    workflowBundle,
    activities: stack.activities,
    // As in a pod (workers/lifecycle-worker.ts), shorter: the simulated steps end in moments.
    shutdownGraceTime: '10 seconds',
  });
  const running = worker.run();
  return async (): Promise<void> => {
    worker.shutdown();
    await running;
  };
}

/** Every workflow task that failed in any run so far, but for the benign "a signal came in meanwhile". */
async function failedWorkflowTasks(): Promise<string[]> {
  const failures: string[] = [];
  for await (const run of stack.env.client.workflow.list()) {
    const history = await stack.env.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const failed = event.workflowTaskFailedEventAttributes;
      if (event.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED || !failed) continue;
      if (failed.cause === WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND) continue;
      failures.push(`${run.workflowId}: ${WorkflowTaskFailedCause[failed.cause ?? 0]} ${failed.failure?.message ?? ''}`);
    }
  }
  return failures;
}

/** Who completed the workflow tasks of one run, in order, each once. */
async function completedBy(workflowId: string): Promise<string[]> {
  const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
  const identities = (history.events ?? []).map((e) => e.workflowTaskCompletedEventAttributes?.identity).filter((i) => !!i);
  return identities.filter((identity, i) => identity !== identities[i - 1]) as string[];
}

describe('upgrading Capstan with an operation in flight', { timeout: 240_000 }, () => {
  it('has a previous release to start from', () => {
    expect(previous).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it(`an upgrade started by release ${previous ?? '(none)'} is finished by the current workflow code`, async () => {
    const old = await startWorker(`release-${previous ?? ''}`, { codePath: releaseBundlePath(previous ?? '') });
    let stopOld: typeof old | undefined = old;
    try {
      const spec = simDesiredCluster('psi', 151, {
        kubernetesVersion: 'v1.33.4',
        machineDeployments: [{ name: 'md-0', replicas: 1, machine: simMachineShape }],
      });
      const handle = await startClusterWorkflow(stack.env.client, stack.taskQueue, spec);
      const probe = new ClusterProbe(handle);
      await probe.settled(1);
      await handle.signal(desiredClusterSignal, { ...spec, kubernetesVersion: 'v1.34.2', generation: 2 });

      // The old code has finished the upgrade's first step and started its second.
      const operation = await eventually(
        async () => {
          const running = (await probe.progress()).operation;
          if (running?.kind !== 'upgrade' || running.step < 2)
            throw new Error(`upgrade not past its first step: ${JSON.stringify(running)}`);
          return running;
        },
        120_000,
        100,
      );
      expect(operation.steps).toBeGreaterThan(2);
      await old();
      stopOld = undefined;
      const stopCurrent = await startWorker('current', current!);
      try {
        // A nondeterminism error fails the workflow task over and over: say so at once rather than time out.
        let settling = true;
        const failFast = async (): Promise<void> => {
          while (settling) {
            const failures = await failedWorkflowTasks();
            if (failures.length > 0) throw new Error(`workflow tasks failed on the current code:\n${failures.join('\n')}`);
            await delay(2_000);
          }
        };
        const [done] = await Promise.all([probe.settled(2, 150_000).finally(() => (settling = false)), failFast()]);
        expect(done.recent.at(-1)).toMatchObject({ kind: 'upgrade', outcome: 'Succeeded' });
        expect(done.machines.map((m) => [m.role, m.kubernetesVersion, m.ready]).sort()).toEqual([
          ['control-plane', 'v1.34.2', true],
          ['worker', 'v1.34.2', true],
        ]);
        // Both codes ran the upgrade itself, in that order; no workflow task failed anywhere.
        expect(await completedBy(operation.workflowId)).toEqual([`release-${previous ?? ''}`, 'current']);
        expect(await failedWorkflowTasks()).toEqual([]);
      } finally {
        await stopCurrent();
      }
    } finally {
      await stopOld?.();
    }
  });
});
