// The bare-Temporal baseline (the workflow bundle's entry): one workflow type that runs a shape
// read from Capstan's own provisioning — the same activities, children and batches — with no-op
// activities and nothing else: no observation, no progress signals, no search attributes.
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { WorkflowShape } from './workflow-shape.ts';
import type { bareActivities } from './bare-activities.ts';

// Capstan's `calls` profile: the options do not change the cost of an activity that succeeds.
const { noop } = proxyActivities<typeof bareActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/** A cluster's root: the tree itself, under a type of its own so its completions can be counted apart. */
export function bareClusterWorkflow(shape: WorkflowShape): Promise<number> {
  return bareTreeWorkflow(shape);
}

/** Runs the shape's batches one after the other, everything within a batch at once. */
export async function bareTreeWorkflow(shape: WorkflowShape): Promise<number> {
  const { workflowId } = workflowInfo();
  let activities = 0;
  for (const [b, batch] of shape.batches.entries()) {
    const done = await Promise.all([
      ...Array.from({ length: batch.activities }, () => noop().then(() => 1)),
      ...batch.children.map((child, c) => executeChild(bareTreeWorkflow, { args: [child], workflowId: `${workflowId}/${b}.${c}` })),
    ]);
    activities += done.reduce((sum, n) => sum + n, 0);
  }
  return activities;
}
