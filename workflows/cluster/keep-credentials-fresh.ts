import { ActivityFailure, condition } from '@temporalio/workflow';
import type { ClusterWorkflowState } from '../../api/cluster-workflow-state.ts';
import { calls } from '../activity-profiles.ts';
import type { ClusterView } from './cluster-view.ts';

/** What the cluster's main loop and its renewal loop tell each other. */
export interface RenewalLoop {
  /** A renewal check is running: the main loop starts no operation and does not continue-as-new meanwhile. */
  busy: boolean;
  /** The main loop is about to continue-as-new: no new check starts (the next run picks up from `state.credentials`). */
  stopping: boolean;
}

/** A failed check (a Talos API that does not answer) is tried again after this long. */
const retryFailedCheckMs = 3_600_000;

/**
 * Keeps the talosconfig and the admin kubeconfig from expiring, beside the main loop: sleeps (a
 * durable timer) until the time the last check asked for, then runs the renewal check, which
 * reads every certificate's dates from its Secret and renews what is due. It waits while an
 * operation runs (operations write the talosconfig when control planes change) unless that
 * operation is blocked on an operator — a block can last longer than a certificate. Paused
 * clusters are renewed too: renewing changes no machine. It ends when the cluster is being deleted.
 */
export async function keepCredentialsFresh(state: ClusterWorkflowState, view: ClusterView, loop: RenewalLoop): Promise<void> {
  const ref = { namespace: state.namespace, name: state.name };
  const ending = (): boolean => loop.stopping || state.deleting;
  const quiet = (): boolean => view.operation === undefined || view.blocked();
  for (;;) {
    const waitMs = state.credentials ? Date.parse(state.credentials.nextCheckAt) - Date.now() : 0;
    if (waitMs > 0) await condition(ending, waitMs);
    await condition(() => ending() || quiet());
    if (ending()) return;
    if (!quiet()) continue; // the main loop started an operation in the same activation
    loop.busy = true;
    try {
      const report = await calls.talosRenewCredentials(ref);
      state.credentials = { report, nextCheckAt: report.nextCheckAt };
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      state.credentials = {
        ...(state.credentials?.report ? { report: state.credentials.report } : {}),
        problem: `renewing the talosconfig and kubeconfig failed: ${error.cause?.message ?? error.message}`,
        nextCheckAt: new Date(Date.now() + retryFailedCheckMs).toISOString(),
      };
    } finally {
      loop.busy = false;
    }
    view.publish();
  }
}
