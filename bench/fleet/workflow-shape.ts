// The fan-out of one Capstan provisioning, read back from its histories, so the bare-Temporal
// baseline runs the same activities in the same tree: which workflow starts which children, how
// many activities each runs, and which of them it starts together (in one workflow task) and so
// runs at once.
import type { Client } from '@temporalio/client';
import { activityTimesOf, type ActivityTime } from './activity-times.ts';

/** The fields of a history event the shape is read from (event ids are Longs in the SDK's protos). */
export interface ShapeEvent {
  readonly eventType?: number | null;
  readonly activityTaskScheduledEventAttributes?: { readonly workflowTaskCompletedEventId?: { toString(): string } | null } | null;
  readonly startChildWorkflowExecutionInitiatedEventAttributes?: {
    readonly workflowTaskCompletedEventId?: { toString(): string } | null;
    readonly workflowId?: string | null;
  } | null;
}

/** Commands one workflow task issued together: they run at the same time. */
export interface ShapeBatch {
  readonly activities: number;
  readonly children: readonly WorkflowShape[];
}

/** One workflow of the tree: its batches, one after the other. Plain JSON: it is a workflow input. */
export interface WorkflowShape {
  readonly batches: readonly ShapeBatch[];
}

/** A batch as read from one history, its children still named by workflow id. */
export interface RawBatch {
  readonly activities: number;
  readonly children: readonly string[];
}

const Scheduled = 10; // EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
const ChildInitiated = 29; // EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED

/**
 * Groups a history's activity and child starts by the workflow task that issued them, in order.
 * With `stopAfterChild`, ends with the batch that starts the first child it accepts: the cluster
 * workflow goes on observing after its provisioning, which the baseline has no counterpart for.
 */
export function batchesOf(events: readonly ShapeEvent[], stopAfterChild?: (workflowId: string) => boolean): RawBatch[] {
  const batches = new Map<string, { activities: number; children: string[] }>();
  let stopAt: string | undefined;
  for (const event of events) {
    const type = Number(event.eventType);
    const activity = type === Scheduled ? event.activityTaskScheduledEventAttributes : undefined;
    const child = type === ChildInitiated ? event.startChildWorkflowExecutionInitiatedEventAttributes : undefined;
    const task = activity?.workflowTaskCompletedEventId ?? child?.workflowTaskCompletedEventId;
    if (task === undefined || task === null) continue;
    const key = String(task);
    if (stopAt !== undefined && key !== stopAt) break;
    const batch = batches.get(key) ?? { activities: 0, children: [] };
    batches.set(key, batch);
    if (activity) batch.activities += 1;
    if (child) {
      const id = child.workflowId ?? '';
      batch.children.push(id);
      if (stopAt === undefined && stopAfterChild?.(id)) stopAt = key;
    }
  }
  return [...batches.values()];
}

/** Activities in a shape, all the way down. */
export function activitiesIn(shape: WorkflowShape): number {
  return shape.batches.reduce((sum, b) => sum + b.activities + b.children.reduce((s, c) => s + activitiesIn(c), 0), 0);
}

/** Workflows in a shape, itself included. */
export function workflowsIn(shape: WorkflowShape): number {
  return 1 + shape.batches.reduce((sum, b) => sum + b.children.reduce((s, c) => s + workflowsIn(c), 0), 0);
}

/** A cluster's provisioning as read back: its shape, and the activity times of the workflows under the cluster's. */
export interface ProvisionTree {
  readonly shape: WorkflowShape;
  readonly activityTimes: ActivityTime[];
}

/** Reads the tree under a cluster workflow up to the end of its first operation (the provisioning). */
export async function readProvisionTree(client: Client, clusterWorkflowId: string): Promise<ProvisionTree> {
  const activityTimes: ActivityTime[] = [];
  const read = async (workflowId: string, stop?: (id: string) => boolean): Promise<WorkflowShape> => {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    if (!stop) activityTimes.push(...activityTimesOf(events));
    const raw = batchesOf(events, stop);
    return {
      batches: await Promise.all(
        raw.map(async (b) => ({ activities: b.activities, children: await Promise.all(b.children.map((id) => read(id))) })),
      ),
    };
  };
  const shape = await read(clusterWorkflowId, (id) => id.startsWith(`${clusterWorkflowId}/`));
  return { shape, activityTimes };
}
