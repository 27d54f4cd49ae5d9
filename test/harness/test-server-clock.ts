import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/**
 * The time of the time-skipping test server, for what Temporal does not move: certificate dates
 * judged by the Talos simulator and issued by the activities. Every activity the worker runs tells
 * it when the server scheduled it (server time); between two activities it runs with the wall
 * clock. It never goes back, and never behind the wall clock.
 */
export class TestServerClock {
  private aheadMs = 0;

  readonly now = (): number => Date.now() + this.aheadMs;

  readonly date = (): Date => new Date(this.now());

  /** Worker interceptor that reads the server's time off every activity it starts. */
  readonly interceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      execute: (input, next) => {
        this.aheadMs = Math.max(this.aheadMs, ctx.info.currentAttemptScheduledTimestampMs - Date.now());
        return next(input);
      },
    },
  });
}
