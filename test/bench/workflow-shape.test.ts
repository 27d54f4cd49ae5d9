import { describe, expect, it } from 'vitest';
import { activitiesIn, batchesOf, workflowsIn, type WorkflowShape } from '../../bench/fleet/workflow-shape.ts';

// Just the fields batchesOf reads: event types 10 (activity scheduled) and 29 (child initiated).
const activity = (task: number) => ({ eventType: 10, activityTaskScheduledEventAttributes: { workflowTaskCompletedEventId: task } });
const child = (task: number, workflowId: string) => ({
  eventType: 29,
  startChildWorkflowExecutionInitiatedEventAttributes: { workflowTaskCompletedEventId: task, workflowId },
});
const other = { eventType: 5 };

describe('the shape of a provisioning', () => {
  it('groups activities and children by the workflow task that started them', () => {
    const events = [
      other,
      activity(4),
      other,
      activity(9),
      activity(9),
      child(14, 'a'),
      other,
      child(20, 'b'),
      child(20, 'c'),
      activity(20),
    ];
    expect(batchesOf(events)).toEqual([
      { activities: 1, children: [] },
      { activities: 2, children: [] },
      { activities: 0, children: ['a'] },
      { activities: 1, children: ['b', 'c'] },
    ]);
  });

  it('stops after the batch that starts the first child asked for', () => {
    const events = [activity(4), child(9, 'x/provision/1'), activity(9), activity(30), child(40, 'x/upgrade/2')];
    expect(batchesOf(events, (id) => id.startsWith('x/'))).toEqual([
      { activities: 1, children: [] },
      { activities: 1, children: ['x/provision/1'] },
    ]);
  });

  it('counts activities and workflows all the way down', () => {
    const machine: WorkflowShape = {
      batches: [
        { activities: 5, children: [] },
        { activities: 6, children: [] },
      ],
    };
    const shape: WorkflowShape = {
      batches: [
        { activities: 2, children: [] },
        {
          activities: 0,
          children: [
            {
              batches: [
                { activities: 3, children: [machine] },
                { activities: 0, children: [machine, machine] },
              ],
            },
          ],
        },
      ],
    };
    expect(activitiesIn(shape)).toBe(2 + 3 + 3 * 11);
    expect(workflowsIn(shape)).toBe(1 + 1 + 3);
  });
});
