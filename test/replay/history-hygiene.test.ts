import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeFindings, scanHistory } from '../harness/history-hygiene.ts';

// The saved histories are committed and replayed in CI: no key or token may be in them. The
// workflow tests scan their own runs' histories the same way (assertHistoryClean).
const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('saved histories hold no private-key or token material', () => {
  it('has histories to scan', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s', (file) => {
    const findings = scanHistory(readFileSync(new URL(file, dir), 'utf8'));
    expect(findings, describeFindings(findings)).toEqual([]);
  });
});
