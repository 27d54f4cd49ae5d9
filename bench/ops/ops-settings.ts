// What the operation sections share: the simulators' scale, the worker's poll interval, the clone
// slots the critical paths assume, and the stack started once for all of them.
import type { BenchContext, BenchRow, Target } from '../report/bench-section.ts';
import { simDelays, type InfraDelays } from '../critical-path/infra-delays.ts';
import { startOpsStack, type OpsStack } from './ops-stack.ts';

/** The operation sections' settings (`--scale`, `--poll-ms`). */
export interface OpsSettings {
  /** Both simulators' durations × this. */
  readonly scale: number;
  /**
   * The worker's poll interval for waits (node Ready, drain). Production waits 2 s on real
   * timings; the bench compresses it with the infrastructure (2 s × scale) unless told otherwise,
   * or it would measure a poll chosen for real durations against compressed ones.
   */
  readonly pollMs: number;
}

/** Clones at once per storage across all workers: proxmox-activities.ts's default. */
export const cloneSlots = 2;

/** The default poll for a scale. */
export const defaultPollMs = (scale: number): number => Math.max(50, Math.round(2_000 * scale));

/** The stack of the operation sections, started by the first that needs it. */
export function opsStack(context: BenchContext, settings: OpsSettings): Promise<OpsStack> {
  return context.shared(`the operations stack (sim scale ${settings.scale}, poll ${settings.pollMs} ms)`, () => startOpsStack(settings));
}

/** The delays the critical paths are computed from. */
export const delaysOf = (settings: OpsSettings): InfraDelays => simDelays(settings.scale);

/** Seconds, for rows. */
export const seconds = (ms: number): number => ms / 1_000;

/** `12.3 s`, for details. */
export const secondsText = (ms: number): string => `${(ms / 1_000).toFixed(1)} s`;

/** The rows every operation section starts with: wall / critical path, the wall time, the critical path. */
export function timingRows(wall: number, path: number, of: { runs: string; path: string; target?: Target }): BenchRow[] {
  return [
    {
      metric: 'wall / critical path',
      value: wall / path,
      unit: '×',
      ...(of.target === undefined ? {} : { target: of.target }),
      detail: `${secondsText(wall)} / ${secondsText(path)}`,
    },
    { metric: 'wall', value: seconds(wall), unit: 's', detail: of.runs },
    { metric: 'critical path', value: seconds(path), unit: 's', detail: of.path },
  ];
}
