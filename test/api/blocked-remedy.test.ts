import { describe, expect, it } from 'vitest';
import { blockedRemedy } from '../../api/blocked-remedy.ts';

describe('blockedRemedy', () => {
  it('writes commands that work as pasted: the namespace unless default, and the reason abort requires', () => {
    expect(blockedRemedy({ namespace: 'team-a', name: 'prod-eu1' })).toBe(
      '`capstan retry prod-eu1 -n team-a` runs it again once the cause is fixed; a corrected spec (kubectl apply or patch) replaces the blocked operation; `capstan abort prod-eu1 -n team-a --reason "<why>"` ends it',
    );
    expect(blockedRemedy({ namespace: 'default', name: 'demo' })).toContain('`capstan retry demo` runs it again');
  });
});
