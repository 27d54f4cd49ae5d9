import { describe, expect, it } from 'vitest';
import { checkAddition, checkRemoval, quorum, quorumLost } from '../../plan/etcd-quorum.ts';

const members = (...health: boolean[]) => health.map((healthy, i) => ({ name: `cp-${i}`, healthy }));

describe('etcd quorum', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [7, 4],
  ])('%i members need %i', (n, q) => {
    expect(quorum(n)).toBe(q);
  });

  it.each([
    [members(true, true, true), 'cp-0', undefined],
    [members(true, false, true), 'cp-1', undefined],
    [members(true, false, true), 'cp-0', 'removing cp-0 would leave 2 etcd members with 1 healthy, and quorum needs 2'],
    [members(true, true), 'cp-0', undefined],
    [members(true), 'cp-0', 'cp-0 is the last etcd member and cannot be removed'],
    [
      members(true, false, false),
      'cp-1',
      'etcd has lost quorum: 1 of 3 members healthy, 2 needed; restore it before changing the control plane',
    ],
  ])('removal from %j of %s: %s', (list, name, reason) => {
    expect(checkRemoval(list, name)).toBe(reason);
  });

  it('a learner joins whenever the current members have quorum', () => {
    expect(checkAddition(members(true))).toBeUndefined();
    expect(checkAddition(members(true, true, false))).toBeUndefined();
    expect(checkAddition(members(true, false, false))).toBe(quorumLost(members(true, false, false)));
    expect(quorumLost(members(true, false, false))).toContain('1 of 3 members healthy');
  });
});
