// Where a provisioning's time goes: each activity's time from being scheduled to its final
// completion (retries and their back-off included), read from histories, and summed by type.

type EventId = { toString(): string } | null | undefined;

/** The fields of a history event the activity times are read from. */
export interface TimedEvent {
  readonly eventId?: EventId;
  readonly eventType?: number | null;
  readonly eventTime?: { readonly seconds?: EventId; readonly nanos?: number | null } | null;
  readonly activityTaskScheduledEventAttributes?: { readonly activityType?: { readonly name?: string | null } | null } | null;
  readonly activityTaskStartedEventAttributes?: { readonly scheduledEventId?: EventId; readonly attempt?: number | null } | null;
  readonly activityTaskCompletedEventAttributes?: { readonly scheduledEventId?: EventId } | null;
}

/** One activity of a history. */
export interface ActivityTime {
  readonly type: string;
  readonly ms: number;
  readonly attempts: number;
}

const Scheduled = 10; // EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
const Started = 11; // written once the last attempt ends, with that attempt's number
const Completed = 12;

const millis = (event: TimedEvent): number =>
  Number(event.eventTime?.seconds?.toString() ?? 0) * 1_000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);

/** The completed activities of one history. */
export function activityTimesOf(events: readonly TimedEvent[]): ActivityTime[] {
  const scheduled = new Map<string, { type: string; at: number; attempts: number }>();
  const times: ActivityTime[] = [];
  for (const event of events) {
    const type = Number(event.eventType);
    if (type === Scheduled) {
      const name = event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
      scheduled.set(String(event.eventId), { type: name, at: millis(event), attempts: 1 });
    } else if (type === Started) {
      const entry = scheduled.get(String(event.activityTaskStartedEventAttributes?.scheduledEventId));
      if (entry) entry.attempts = event.activityTaskStartedEventAttributes?.attempt ?? 1;
    } else if (type === Completed) {
      const entry = scheduled.get(String(event.activityTaskCompletedEventAttributes?.scheduledEventId));
      if (entry) times.push({ type: entry.type, ms: millis(event) - entry.at, attempts: entry.attempts });
    }
  }
  return times;
}

/** Activity time by type, the longest first: total ms, count and retries (attempts past the first). */
export function byType(times: readonly ActivityTime[]): { type: string; ms: number; count: number; retries: number }[] {
  const sums = new Map<string, { type: string; ms: number; count: number; retries: number }>();
  for (const t of times) {
    const sum = sums.get(t.type) ?? { type: t.type, ms: 0, count: 0, retries: 0 };
    sums.set(t.type, { type: t.type, ms: sum.ms + t.ms, count: sum.count + 1, retries: sum.retries + t.attempts - 1 });
  }
  return [...sums.values()].sort((a, b) => b.ms - a.ms);
}
