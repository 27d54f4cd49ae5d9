import { describe, expect, it } from 'vitest';
import { authorityExpiringSoon, nextCheckAt, renewalDue, renewalDueAt } from '../../plan/credential-renewal.ts';

const day = 24 * 3_600_000;
const t0 = Date.parse('2026-01-01T00:00:00Z');
const oneYear = { notBefore: t0, notAfter: t0 + 365 * day };

describe('renewalDueAt', () => {
  it.each([
    ['a one-year certificate: a third of its validity before the end (the earlier of a third and 30 days)', 365, 365 / 3],
    ['a 60-day certificate: 30 days before the end', 60, 30],
    ['a 30-day certificate: half-way, so it is not renewed at once forever', 30, 15],
    ['a day-long certificate: half-way too', 1, 0.5],
  ])('%s', (_what, validityDays, marginDays) => {
    const validity = { notBefore: t0, notAfter: t0 + validityDays * day };
    expect(renewalDueAt(validity)).toBeCloseTo(validity.notAfter - marginDays * day, -3);
  });

  it('is due from that moment on, expired certificates included', () => {
    const due = renewalDueAt(oneYear);
    expect(renewalDue(oneYear, due - 1)).toBe(false);
    expect(renewalDue(oneYear, due)).toBe(true);
    expect(renewalDue(oneYear, oneYear.notAfter + day)).toBe(true);
  });
});

describe('nextCheckAt', () => {
  it('is the earliest renewal due, at most 30 days and at least an hour away', () => {
    const due = renewalDueAt(oneYear);
    expect(nextCheckAt(t0, [oneYear])).toBe(t0 + 30 * day);
    expect(nextCheckAt(due - 2 * day, [oneYear, { notBefore: t0, notAfter: t0 + 2 * 365 * day }])).toBe(due);
    expect(nextCheckAt(due + day, [oneYear])).toBe(due + day + 3_600_000);
  });

  it('is an hour away while a certificate does not exist yet', () => {
    expect(nextCheckAt(t0, [oneYear, undefined])).toBe(t0 + 3_600_000);
  });
});

describe('authorityExpiringSoon', () => {
  it('warns once less than a year is left', () => {
    const end = t0 + 10 * 365 * day;
    expect(authorityExpiringSoon(end, end - 366 * day)).toBe(false);
    expect(authorityExpiringSoon(end, end - 364 * day)).toBe(true);
  });
});
