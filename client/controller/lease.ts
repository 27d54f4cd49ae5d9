/** A Lease's spec as leader election reads and writes it (times as ISO strings). */
export interface LeaseRecord {
  readonly holderIdentity?: string | undefined;
  readonly leaseDurationSeconds?: number | undefined;
  readonly acquireTime?: string | undefined;
  readonly renewTime?: string | undefined;
  readonly leaseTransitions?: number | undefined;
}

/**
 * The record as this candidate last saw it change, and when (its own clock). Expiry is judged
 * from when *we* saw the record last change, never from the holder's renewTime, so clock skew
 * between replicas cannot hand the lease to two of them (client-go's rule).
 */
export interface LeaseObservation {
  readonly record: string;
  readonly observedAtMs: number;
}

/** What a candidate does with the Lease this round. */
export type LeaseDecision =
  | { readonly action: 'create'; readonly record: LeaseRecord; readonly observation: LeaseObservation }
  | { readonly action: 'renew' | 'take'; readonly record: LeaseRecord; readonly observation: LeaseObservation }
  | { readonly action: 'wait'; readonly holder: string; readonly expiresAtMs: number; readonly observation: LeaseObservation };

export interface LeaseInput {
  /** The Lease's spec, or undefined when there is no Lease yet. */
  readonly current: LeaseRecord | undefined;
  readonly previous: LeaseObservation | undefined;
  readonly identity: string;
  readonly leaseDurationSeconds: number;
  readonly nowMs: number;
}

const fingerprint = (record: LeaseRecord): string =>
  JSON.stringify([
    record.holderIdentity ?? '',
    record.leaseDurationSeconds ?? 0,
    record.acquireTime ?? '',
    record.renewTime ?? '',
    record.leaseTransitions ?? 0,
  ]);

/**
 * One round of Lease-based leader election (coordination.k8s.io/v1, as client-go does it):
 * create a missing Lease; renew our own; take one that is released (no holder) or that nobody
 * renewed for its whole duration; otherwise wait. Pure: the clock and the Lease are inputs.
 */
export function decideLease(input: LeaseInput): LeaseDecision {
  const now = new Date(input.nowMs).toISOString();
  const mine = (acquireTime: string, transitions: number): LeaseRecord => ({
    holderIdentity: input.identity,
    leaseDurationSeconds: input.leaseDurationSeconds,
    acquireTime,
    renewTime: now,
    leaseTransitions: transitions,
  });
  const observe = (record: LeaseRecord): LeaseObservation => ({ record: fingerprint(record), observedAtMs: input.nowMs });
  const { current } = input;
  if (current === undefined) {
    const record = mine(now, 0);
    return { action: 'create', record, observation: observe(record) };
  }
  const transitions = current.leaseTransitions ?? 0;
  if (current.holderIdentity === input.identity) {
    const record = mine(current.acquireTime ?? now, transitions);
    return { action: 'renew', record, observation: observe(record) };
  }
  const take = (): LeaseDecision => {
    const record = mine(now, transitions + 1);
    return { action: 'take', record, observation: observe(record) };
  };
  if (!current.holderIdentity) return take();
  // A record we have not seen before was just renewed, as far as we can tell.
  const observation =
    input.previous?.record === fingerprint(current) ? input.previous : { record: fingerprint(current), observedAtMs: input.nowMs };
  const expiresAtMs = observation.observedAtMs + (current.leaseDurationSeconds ?? input.leaseDurationSeconds) * 1000;
  if (expiresAtMs <= input.nowMs) return take();
  return { action: 'wait', holder: current.holderIdentity, expiresAtMs, observation };
}

/** The record a leader writes when it steps down: no holder, so a candidate takes it at once. */
export function releasedLease(current: LeaseRecord, nowMs: number): LeaseRecord {
  const now = new Date(nowMs).toISOString();
  return { ...current, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now };
}
