// A CliIo that records what a command writes, with a fixed clock, for in-process CLI tests.
import type { CliIo } from '../../client/cli/context.ts';

/** What a command wrote, and the io to hand it. */
export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  /** Ends a running watch as Ctrl-C would. */
  interrupt(): void;
}

/** Plain (no colour, no TTY) streams into strings; `now` defaults to the wall clock. */
export function captureIo(now?: Date): CapturedIo {
  let out = '';
  let err = '';
  const controller = new AbortController();
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    color: false,
    now: () => now ?? new Date(),
    interrupted: controller.signal,
    out: () => out,
    err: () => err,
    interrupt: () => {
      controller.abort();
    },
  };
}
