import type { CliIo } from './context.ts';
import { wantsColor } from './render/colors.ts';

/**
 * The real terminal: process streams, colour when stdout is a TTY, and Ctrl-C as an abort
 * signal that `watch` ends on; anything still running a second later (or on a second Ctrl-C)
 * exits with 130.
 */
export function processIo(env: NodeJS.ProcessEnv = process.env): CliIo {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    // A command that does not listen (or is waiting on a call) still ends promptly.
    setTimeout(() => process.exit(130), 1_000).unref();
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    color: wantsColor(process.stdout.isTTY, env),
    now: () => new Date(),
    interrupted: controller.signal,
  };
}
