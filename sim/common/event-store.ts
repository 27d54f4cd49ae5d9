import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** What every simulator event has: its place in the log and when it happened. */
export interface StoredEvent {
  readonly seq: number;
  readonly at: string;
}

/** The append and subscribe half of a simulator's event log (each sim adds its own filters). */
export interface EventStore<E extends StoredEvent> {
  readonly events: readonly E[];
  readonly subscribe: (listener: (event: E) => void) => () => void;
  readonly append: (input: Omit<E, 'seq' | 'at'>) => E;
}

/**
 * Events in memory, continuing the sequence of `initial` (a log read back after a restart),
 * each also appended to `file` as one JSON line. A failing listener never stops the simulator.
 */
export function createEventStore<E extends StoredEvent>(label: string, file?: string, initial: E[] = []): EventStore<E> {
  const events = initial;
  const listeners = new Set<(event: E) => void>();
  if (file !== undefined) mkdirSync(dirname(file), { recursive: true });
  return {
    events,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    append: (input) => {
      const event = { seq: (events.at(-1)?.seq ?? 0) + 1, at: new Date().toISOString(), ...input } as E;
      events.push(event);
      if (file !== undefined) appendFileSync(file, `${JSON.stringify(event)}\n`);
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          process.emitWarning(`${label}: event listener failed: ${String(error)}`);
        }
      }
      return event;
    },
  };
}
