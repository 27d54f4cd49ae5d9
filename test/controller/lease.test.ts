import { describe, expect, it } from 'vitest';
import { decideLease, releasedLease, type LeaseObservation, type LeaseRecord } from '../../client/controller/lease.ts';

const t0 = Date.parse('2025-01-01T00:00:00Z');
const s = (seconds: number): number => t0 + seconds * 1000;

/** Two candidates sharing one Lease, driven by a fake clock: what the API server would store. */
class FakeLease {
  record: LeaseRecord | undefined;
  readonly seen = new Map<string, LeaseObservation | undefined>();
  round(identity: string, nowMs: number): 'leader' | 'follower' {
    const decision = decideLease({ current: this.record, previous: this.seen.get(identity), identity, leaseDurationSeconds: 10, nowMs });
    this.seen.set(identity, decision.observation);
    if (decision.action === 'wait') return 'follower';
    this.record = decision.record;
    return 'leader';
  }
}

describe('decideLease', () => {
  it('creates a missing Lease, held by the candidate', () => {
    const decision = decideLease({ current: undefined, previous: undefined, identity: 'a', leaseDurationSeconds: 15, nowMs: t0 });
    expect(decision).toMatchObject({
      action: 'create',
      record: { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0, renewTime: '2025-01-01T00:00:00.000Z' },
    });
  });

  it('renews its own Lease, keeping the acquire time and transitions', () => {
    const current: LeaseRecord = {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2025-01-01T00:00:00.000Z',
      renewTime: '2025-01-01T00:00:00.000Z',
      leaseTransitions: 2,
    };
    const decision = decideLease({ current, previous: undefined, identity: 'a', leaseDurationSeconds: 15, nowMs: s(5) });
    expect(decision).toMatchObject({
      action: 'renew',
      record: { acquireTime: '2025-01-01T00:00:00.000Z', renewTime: '2025-01-01T00:00:05.000Z', leaseTransitions: 2 },
    });
  });

  it('takes a released Lease at once, counting the transition', () => {
    const released = releasedLease({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 1 }, s(1));
    expect(released.holderIdentity).toBe('');
    const decision = decideLease({ current: released, previous: undefined, identity: 'b', leaseDurationSeconds: 15, nowMs: s(1) });
    expect(decision).toMatchObject({ action: 'take', record: { holderIdentity: 'b', leaseTransitions: 2 } });
  });

  it('waits on a Lease held by another until it has not changed for the whole duration, by its own clock', () => {
    // The holder's clock is an hour behind: its renewTime says nothing to us.
    const held: LeaseRecord = { holderIdentity: 'a', leaseDurationSeconds: 10, renewTime: '2024-12-31T23:00:00.000Z' };
    const first = decideLease({ current: held, previous: undefined, identity: 'b', leaseDurationSeconds: 10, nowMs: s(0) });
    expect(first).toMatchObject({ action: 'wait', holder: 'a', expiresAtMs: s(10) });
    const later = decideLease({ current: held, previous: first.observation, identity: 'b', leaseDurationSeconds: 10, nowMs: s(9) });
    expect(later.action).toBe('wait');
    const renewed = { ...held, renewTime: '2024-12-31T23:00:09.000Z' };
    const afterRenewal = decideLease({
      current: renewed,
      previous: later.observation,
      identity: 'b',
      leaseDurationSeconds: 10,
      nowMs: s(9.5),
    });
    expect(afterRenewal).toMatchObject({ action: 'wait', expiresAtMs: s(19.5) });
    const expired = decideLease({
      current: renewed,
      previous: afterRenewal.observation,
      identity: 'b',
      leaseDurationSeconds: 10,
      nowMs: s(19.5),
    });
    expect(expired).toMatchObject({ action: 'take', record: { holderIdentity: 'b', leaseTransitions: 1 } });
  });

  it('elects exactly one of two candidates, and hands over only when the leader stops renewing', () => {
    const lease = new FakeLease();
    expect(lease.round('a', s(0))).toBe('leader');
    expect(lease.round('b', s(0.1))).toBe('follower');
    for (let t = 2; t <= 30; t += 2) {
      expect(lease.round('a', s(t))).toBe('leader');
      expect(lease.round('b', s(t + 0.1))).toBe('follower');
    }
    // a stops renewing at 30 s: b takes over once 10 s have passed since it last saw a change.
    expect(lease.round('b', s(35))).toBe('follower');
    expect(lease.round('b', s(40))).toBe('follower');
    expect(lease.round('b', s(40.2))).toBe('leader');
    expect(lease.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    // a comes back and finds b's fresh Lease.
    expect(lease.round('a', s(41))).toBe('follower');
  });
});
