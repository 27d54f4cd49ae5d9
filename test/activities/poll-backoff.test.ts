import { describe, expect, it } from 'vitest';
import { pollBackoff } from '../../activities/poll-backoff.ts';

const take = (next: () => number, n: number): number[] => Array.from({ length: n }, () => next());

describe('pollBackoff', () => {
  it('looks again soon at first, then doubles up to the cap', () => {
    expect(take(pollBackoff(500), 6)).toEqual([100, 200, 400, 500, 500, 500]);
    expect(take(pollBackoff(2_000), 7)).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000]);
  });

  it('never waits longer than a cap below the first pause', () => {
    expect(take(pollBackoff(40), 3)).toEqual([40, 40, 40]);
  });
});
