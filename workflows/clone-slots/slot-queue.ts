// The clone semaphore's rules as pure functions of its state and the workflow's clock.
import type { CloneSlotEntry, CloneSlotRelease, CloneSlotRequest, CloneSlotsState } from '../../api/clone-slots.ts';

/**
 * Queues a new holder (a control plane behind the other control planes, ahead of the rest) or renews
 * a known one; a later attempt of a known holder takes over its slot or its place.
 */
export function requestSlot(state: CloneSlotsState, request: CloneSlotRequest, now: number): CloneSlotsState {
  const limit = Math.max(1, request.limit);
  const renew = (entry: CloneSlotEntry, leaseMs: number): CloneSlotEntry =>
    entry.holder === request.holder ? { ...entry, leaseUntil: now + leaseMs, attempt: Math.max(entry.attempt, request.attempt) } : entry;
  if (state.holders.some((h) => h.holder === request.holder)) {
    return { ...state, limit, holders: state.holders.map((h) => renew(h, request.leaseMs)) };
  }
  if (state.waiting.some((w) => w.holder === request.holder)) {
    return { ...state, limit, waiting: state.waiting.map((w) => renew(w, request.waitLeaseMs)) };
  }
  const entry: CloneSlotEntry = {
    holder: request.holder,
    first: request.first,
    attempt: request.attempt,
    leaseUntil: now + request.waitLeaseMs,
  };
  const at = request.first ? state.waiting.findIndex((w) => !w.first) : -1;
  const waiting = [...state.waiting];
  waiting.splice(at === -1 ? waiting.length : at, 0, entry);
  return { ...state, limit, waiting };
}

/**
 * Drops the holder wherever it is, unless a later attempt asked since: the late release of an
 * attempt that timed out must not free the slot its retry now clones in.
 */
export function releaseSlot(state: CloneSlotsState, release: CloneSlotRelease): CloneSlotsState {
  const kept = (entry: CloneSlotEntry): boolean => entry.holder !== release.holder || entry.attempt > release.attempt;
  return { ...state, holders: state.holders.filter(kept), waiting: state.waiting.filter(kept) };
}

/**
 * Drops holders whose lease ran out, then grants free slots in queue order. A granted holder
 * keeps its short waiting lease until its first renewal as a holder, so a worker that died
 * while it waited does not keep a slot for a whole clone's lease.
 */
export function settleSlots(state: CloneSlotsState, now: number): CloneSlotsState {
  const holders = state.holders.filter((h) => h.leaseUntil > now);
  const waiting = state.waiting.filter((w) => w.leaseUntil > now);
  const free = Math.max(0, state.limit - holders.length);
  return { limit: state.limit, holders: [...holders, ...waiting.slice(0, free)], waiting: waiting.slice(free) };
}

/** When the next lease runs out, undefined when nobody holds or waits. */
export function nextExpiry(state: CloneSlotsState): number | undefined {
  const leases = [...state.holders, ...state.waiting].map((e) => e.leaseUntil);
  return leases.length === 0 ? undefined : Math.min(...leases);
}

/** Nobody holds or waits. */
export function isIdle(state: CloneSlotsState): boolean {
  return state.holders.length === 0 && state.waiting.length === 0;
}
