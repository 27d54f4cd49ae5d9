import { describe, expect, it } from 'vitest';
import { pollDue, type PollIntervals } from '../../client/controller/poll-schedule.ts';
import { idleProgress, operation } from './progress-builders.ts';

const intervals: PollIntervals = { activeMs: 1_000, idleMs: 15_000, afterSignalMs: 10_000 };
type Record = Parameters<typeof pollDue>[0];
const base: Record = {
  workflow: { state: 'running' },
  progress: idleProgress(),
  polledAtMs: 100_000,
  activeUntilMs: 0,
  polling: false,
  deleteSent: false,
};

describe('pollDue', () => {
  it.each<[string, Partial<Record>, number, boolean]>([
    ['idle, polled 2 s ago', {}, 102_000, false],
    ['idle, polled 15 s ago', {}, 115_000, true],
    ['running, polled 1 s ago', { progress: idleProgress({ phase: 'Running', operation: operation('upgrade', 'u') }) }, 101_000, true],
    ['blocked, polled 0.5 s ago', { progress: idleProgress({ phase: 'Blocked' }) }, 100_500, false],
    ['just signalled', { activeUntilMs: 105_000 }, 101_000, true],
    ['deleting', { deleteSent: true }, 101_000, true],
    ['never polled', { progress: undefined, polledAtMs: 0 }, 100_000, true],
    ['a poll in flight', { polling: true, polledAtMs: 0 }, 200_000, false],
    ['no workflow', { workflow: { state: 'absent' }, polledAtMs: 0 }, 200_000, false],
    ['an ended workflow, slowly', { workflow: { state: 'ended', status: 'TERMINATED' } }, 101_000, false],
    ['an ended workflow, after the idle interval', { workflow: { state: 'ended', status: 'TERMINATED' } }, 115_000, true],
  ])('%s', (_what, overrides, now, due) => {
    expect(pollDue({ ...base, ...overrides }, now, intervals)).toBe(due);
  });
});
