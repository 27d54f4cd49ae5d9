// Simulated durations. Every value is milliseconds at scale 1 (roughly what a small PVE
// cluster takes); the simulator multiplies them by `scale` so tests run in milliseconds.

/** How long simulated operations take, in ms at scale 1. */
export interface SimTiming {
  /** A full or linked clone, from UPID to `TASK OK`. */
  readonly clone: number;
  /** `qmstart` until the VM runs. */
  readonly start: number;
  /** From running until the guest agent answers. */
  readonly bootUntilAgent: number;
  /** `qmstop` (hard stop). */
  readonly stop: number;
  /** `qmshutdown` (ACPI). */
  readonly shutdown: number;
  /** `qmconfig` (POST config). */
  readonly config: number;
  /** `resize`. */
  readonly resize: number;
  /** `qmdestroy`. */
  readonly destroy: number;
  /** `qmigrate`. */
  readonly migrate: number;
  /** Short bookkeeping steps inside longer tasks. */
  readonly generic: number;
  /** How far /cluster/resources guest stats lag behind (pvestatd refresh). */
  readonly resourcesLag: number;
  /** pveproxy delays every 401 by 3 s. */
  readonly authFailureDelay: number;
}

/** Realistic durations. */
export const defaultTiming: SimTiming = {
  clone: 8000,
  start: 2000,
  bootUntilAgent: 5000,
  stop: 1500,
  shutdown: 3000,
  config: 300,
  resize: 500,
  destroy: 1500,
  migrate: 4000,
  generic: 200,
  resourcesLag: 2000,
  authFailureDelay: 3000,
};
