// The append-only record of every state change. The invariant checker reads it ("no VM
// created twice for one machine", "nothing left after delete"), so entries are never edited.
import { createEventStore } from '../../common/event-store.ts';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { JsonObject } from '../http/json-value.ts';

/** Every kind of event the Proxmox simulator records. */
export const SimEventType = {
  vmCreated: 'vm.created',
  vmConfigured: 'vm.configured',
  vmStarted: 'vm.started',
  vmStopped: 'vm.stopped',
  vmDestroyed: 'vm.destroyed',
  vmMigrated: 'vm.migrated',
  taskStarted: 'task.started',
  taskFinished: 'task.finished',
  faultInjected: 'fault.injected',
  simWarning: 'sim.warning',
  simLoaded: 'sim.loaded',
} as const;
/** One of {@link SimEventType}. */
export type SimEventType = (typeof SimEventType)[keyof typeof SimEventType];

const eventSchema = z.object({
  seq: z.number(),
  at: z.string(),
  type: z.enum(Object.values(SimEventType) as [SimEventType, ...SimEventType[]]),
  vmid: z.number().optional(),
  node: z.string().optional(),
  name: z.string().optional(),
  upid: z.string().optional(),
  taskType: z.string().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

/** One recorded state change. */
export interface SimEvent {
  /** 1-based, continues across restarts when the JSONL file is kept. */
  readonly seq: number;
  /** ISO timestamp. */
  readonly at: string;
  readonly type: SimEventType;
  readonly vmid?: number;
  readonly node?: string;
  readonly name?: string;
  readonly upid?: string;
  /** For task events: the task type (`qmclone`, `qmstart`, ...). */
  readonly taskType?: string;
  readonly detail?: JsonObject;
}

/** What a caller records; seq and time are added by the log. */
export type NewSimEvent = Omit<SimEvent, 'seq' | 'at'>;

/** Read access to the event log. */
export interface ProxmoxEventLog {
  /** Events so far, optionally only of some types and/or one VM. */
  list(filter?: { type?: SimEventType | readonly SimEventType[]; vmid?: number }): SimEvent[];
  /** Calls `listener` for every new event; returns the unsubscribe function. */
  subscribe(listener: (event: SimEvent) => void): () => void;
}

/** The log plus its write side, used inside the simulator. */
export interface EventLogWriter extends ProxmoxEventLog {
  append(event: NewSimEvent): SimEvent;
}

/** An event log, continued from `file` (JSONL) when it exists. */
export function createEventLog(file?: string): EventLogWriter {
  const store = createEventStore<SimEvent>('proxmox sim', file, file === undefined ? [] : readJsonl(file));
  const events = store.events;
  return {
    list: (filter) => {
      const types = filter?.type === undefined ? undefined : ([] as SimEventType[]).concat(filter.type);
      return events.filter(
        (e) => (types === undefined || types.includes(e.type)) && (filter?.vmid === undefined || e.vmid === filter.vmid),
      );
    },
    subscribe: store.subscribe,
    append: store.append,
  };
}

function readJsonl(file: string): SimEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => eventSchema.parse(JSON.parse(line)) as SimEvent);
}
