import { describe, expect, it } from 'vitest';
import { activityTimesOf, byType } from '../../bench/fleet/activity-times.ts';

const at = (eventId: number, eventType: number, ms: number, attributes: object = {}) => ({
  eventId,
  eventType,
  eventTime: { seconds: Math.floor(ms / 1_000), nanos: (ms % 1_000) * 1e6 },
  ...attributes,
});
const scheduled = (id: number, ms: number, name: string) =>
  at(id, 10, ms, { activityTaskScheduledEventAttributes: { activityType: { name } } });
const started = (id: number, ms: number, of: number, attempt: number) =>
  at(id, 11, ms, { activityTaskStartedEventAttributes: { scheduledEventId: of, attempt } });
const completed = (id: number, ms: number, of: number) =>
  at(id, 12, ms, { activityTaskCompletedEventAttributes: { scheduledEventId: of } });

describe('activity times', () => {
  it('measures each activity from scheduled to completed, with its attempts', () => {
    const events = [
      scheduled(5, 10_000, 'clone'),
      scheduled(6, 10_000, 'waitForApid'),
      started(7, 10_050, 5, 1),
      completed(8, 10_250, 5),
      started(9, 16_000, 6, 3), // the third attempt, written when it ended
      completed(10, 16_500, 6),
      scheduled(11, 17_000, 'never finished'),
    ];
    expect(activityTimesOf(events)).toEqual([
      { type: 'clone', ms: 250, attempts: 1 },
      { type: 'waitForApid', ms: 6_500, attempts: 3 },
    ]);
  });

  it('sums by type, the longest first, counting retries past the first attempt', () => {
    const times = [
      { type: 'a', ms: 100, attempts: 1 },
      { type: 'b', ms: 900, attempts: 2 },
      { type: 'a', ms: 300, attempts: 3 },
    ];
    expect(byType(times)).toEqual([
      { type: 'b', ms: 900, count: 1, retries: 1 },
      { type: 'a', ms: 400, count: 2, retries: 2 },
    ]);
  });
});
