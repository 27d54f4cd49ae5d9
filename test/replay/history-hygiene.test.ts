import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { recordedReleases, releaseHistoriesDir } from '../../tools/workflow-releases.ts';
import { describeFindings, scanHistory } from '../harness/history-hygiene.ts';

// The saved histories, and those each release kept, are committed and replayed in CI: no key or
// token may be in them. The workflow tests scan their own runs' histories the same way
// (assertHistoryClean).
const jsonIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(dir, f))
    : [];
const projectRelative = (path: string): string => path.slice(fileURLToPath(new URL('../../', import.meta.url)).length);
const files = [fileURLToPath(new URL('./histories/', import.meta.url)), ...recordedReleases().map((v) => releaseHistoriesDir(v))]
  .flatMap(jsonIn)
  .map(projectRelative);

describe('saved histories hold no private-key or token material', () => {
  it('has histories to scan', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s', (file) => {
    const findings = scanHistory(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
    expect(findings, describeFindings(findings)).toEqual([]);
  });
});
