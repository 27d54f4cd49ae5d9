import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  acquireCloneSlotSignal,
  cloneSlotsQuery,
  releaseCloneSlotSignal,
  type CloneSlotsInput,
  type CloneSlotsState,
} from '../api/clone-slots.ts';
import { isIdle, nextExpiry, releaseSlot, requestSlot, settleSlots } from './clone-slots/slot-queue.ts';

const defaultIdleMs = 5 * 60_000;
const defaultHistoryLimit = 5_000;

/**
 * Bounds the clones running at once on one Proxmox storage across every worker (real Proxmox
 * times out storage locks when many clones hit one storage together, CAPMOX #389). Holders
 * signal to ask and to renew, poll the query for their grant, and signal again to release; a
 * holder that stops renewing is dropped when its lease runs out. Ends after a quiet spell; the
 * next request starts it again.
 */
export async function cloneSlotsWorkflow(input: CloneSlotsInput): Promise<void> {
  let state: CloneSlotsState = input.state;
  let changed = false;
  setHandler(acquireCloneSlotSignal, (request) => {
    state = requestSlot(state, request, Date.now());
    changed = true;
  });
  setHandler(releaseCloneSlotSignal, (release) => {
    state = releaseSlot(state, release);
    changed = true;
  });
  setHandler(cloneSlotsQuery, () => state);

  for (;;) {
    state = settleSlots(state, Date.now());
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.historyLimit ?? defaultHistoryLimit)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof cloneSlotsWorkflow>({ ...input, state: settleSlots(state, Date.now()) });
    }
    changed = false;
    if (isIdle(state)) {
      if (!(await condition(() => changed, input.idleMs ?? defaultIdleMs))) return;
    } else {
      // Wake when a signal changes the queue or when the next lease runs out.
      await condition(() => changed, Math.max(1, (nextExpiry(state) ?? Date.now()) - Date.now()));
    }
  }
}
