// What the Web UI reads from a run, end to end on the dev server (the real server's code keeps
// user metadata as the UI sees it): a cluster started the way the controller starts it provisions
// one control plane and one worker, and its histories carry the workflow and activity summaries;
// the runs answer the metadata query with their current details and their message descriptions.
import type { temporal } from '@temporalio/proto';
import { defaultPayloadConverter, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { createClusterWorkflows } from '../../client/controller/cluster-workflows.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { simDesiredCluster } from '../fixtures/desired-cluster.ts';
import { assertHistoryClean } from '../harness/history-hygiene.ts';
import { ClusterProbe } from './cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';

let stack: LifecycleStack;
beforeAll(async () => {
  stack = await startLifecycleStack('run-summaries', 'dev-server');
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

const cluster = 'iota';
const spec = DesiredCluster.parse(
  simDesiredCluster(cluster, 141, {
    machineDeployments: [{ name: 'md-0', replicas: 1, machine: { cores: 2, memoryMiB: 2048, diskGiB: 20, templateVmid: 9000 } }],
  }),
);

/** What the `__temporal_workflow_metadata` query answers (temporal.api.sdk.v1.WorkflowMetadata). */
interface WorkflowMetadata {
  readonly currentDetails?: string | null;
  readonly definition?: {
    readonly updateDefinitions?: readonly { readonly name?: string | null; readonly description?: string | null }[] | null;
  } | null;
}
const metadata = (handle: WorkflowHandle): Promise<WorkflowMetadata> => handle.query<WorkflowMetadata>('__temporal_workflow_metadata');

const text = (payload: temporal.api.common.v1.IPayload | null | undefined): string | undefined =>
  payload ? defaultPayloadConverter.fromPayload<string>(payload) : undefined;

async function events(workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  return (await stack.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

const childStarts = (history: temporal.api.history.v1.IHistoryEvent[]) =>
  history
    .filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
    .map((e) => ({
      workflowId: e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? '',
      summary: text(e.userMetadata?.summary),
      details: text(e.userMetadata?.details),
    }));

describe('what the Web UI reads from a run', { timeout: 600_000 }, () => {
  it('summaries on every start and activity, current details while it runs, descriptions on the updates', async () => {
    await createClusterWorkflows({ client: stack.env.client, taskQueue: stack.taskQueue }).sendDesired(spec);
    const handle = stack.env.client.workflow.getHandle(clusterWorkflowId('default', cluster));

    // While the provisioning runs, the cluster's current details name its workflow.
    const running = await eventually(
      async () => {
        const details = (await metadata(handle)).currentDetails ?? '';
        if (!details.includes('Operation workflow:')) throw new Error(`no operation in: ${details}`);
        return details;
      },
      120_000,
      200,
    );
    expect(running).toMatch(/Operation workflow: `cluster\/default\/iota\/provision\/1`/);

    await new ClusterProbe(handle).settled(1);
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe('cluster default/iota: observes it, plans from its spec, runs one operation at a time');
    expect(await description.staticDetails()).toContain('Query `clusterProgress`');
    expect((await metadata(handle)).currentDetails).toMatch(/^\*\*Idle\*\*: the cluster matches its spec/);

    // The operation child: its start carries the plan's summary, its own children theirs.
    const [operation] = childStarts(await events(handle.workflowId));
    expect(operation?.summary).toMatch(/^provision default\/iota: 1 control-plane machine, 1 worker \(\d+ steps\)$/);
    expect(operation?.details).toContain('**Planned steps**');
    const machines = childStarts(await events(operation?.workflowId ?? ''));
    expect(machines.map((m) => m.summary)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^create control-plane iota-cp-\w+ of default\/iota \(Kubernetes v1\.34\.2, Talos v1\.11\.5\), bootstraps etcd$/,
        ),
        expect.stringMatching(/^create worker iota-md-0-\w+ in md-0 of default\/iota \(Kubernetes v1\.34\.2, Talos v1\.11\.5\)$/),
      ]),
    );

    // Every activity a machine run scheduled names what it works on.
    const build = machines.find((m) => m.summary?.includes('bootstraps etcd'));
    const machine = /create control-plane (\S+)/.exec(build?.summary ?? '')?.[1] ?? '';
    const scheduled = (await events(build?.workflowId ?? '')).filter((e) => e.activityTaskScheduledEventAttributes);
    const summaries = scheduled.map((e) => ({
      type: e.activityTaskScheduledEventAttributes?.activityType?.name,
      summary: text(e.userMetadata?.summary),
      details: text(e.userMetadata?.details),
    }));
    expect(summaries.length).toBeGreaterThan(5);
    expect(summaries.every((s) => typeof s.summary === 'string' && s.summary.length > 0)).toBe(true);
    const of = (type: string): string | undefined => summaries.find((s) => s.type === type)?.summary;
    expect(of('proxmoxEnsureVm')).toMatch(new RegExp(`^clone VM ${machine} from template 9000 on pve\\d$`));
    // Talos calls know the machine by address only: their summaries name it first.
    expect(of('talosBootstrap')).toMatch(new RegExp(`^${machine}: bootstrap etcd of default/iota on 127\\.0\\.141\\.\\d+$`));
    expect(of('talosWaitForApid')).toMatch(new RegExp(`^${machine}: wait for the Talos API on 127\\.0\\.141\\.\\d+$`));
    // No key or token in these histories (the cluster's, its operation's and the machines'), summaries included.
    const scanned = await assertHistoryClean(stack.env.client, handle.workflowId, [stack.proxmox.token.secret]);
    expect(scanned.length).toBeGreaterThanOrEqual(4);

    // A finished machine run still answers with its details, and its updates say what they do.
    const built = await metadata(stack.env.client.workflow.getHandle(build?.workflowId ?? ''));
    expect(built.currentDetails).toBe(`**Succeeded**: create control-plane ${machine}\n\nMachine: \`${machine}\``);
    const updates = new Map((built.definition?.updateDefinitions ?? []).map((u) => [u.name, u.description]));
    expect([...updates.keys()].sort()).toEqual(['abort', 'pause', 'resume', 'retry']);
    expect(updates.get('retry')).toMatch(/^Run the blocked step/);
  });
});
