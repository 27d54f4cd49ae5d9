import { describe, expect, it } from 'vitest';
import { clonesPerStorageFromEnv } from '../../workers/clones-per-storage-from-env.ts';

describe('clonesPerStorageFromEnv', () => {
  it('defaults to 2 clones per storage when CAPSTAN_CLONES_PER_STORAGE is unset or empty', () => {
    expect(clonesPerStorageFromEnv({})).toBe(2);
    expect(clonesPerStorageFromEnv({ CAPSTAN_CLONES_PER_STORAGE: ' ' })).toBe(2);
  });

  it('reads a whole number of at least 1', () => {
    expect(clonesPerStorageFromEnv({ CAPSTAN_CLONES_PER_STORAGE: '1' })).toBe(1);
    expect(clonesPerStorageFromEnv({ CAPSTAN_CLONES_PER_STORAGE: ' 5 ' })).toBe(5);
  });

  it.each(['0', '-1', '1.5', 'two', '2x', '1e3', '99999999999999999999'])('refuses %s, naming the variable and what it takes', (value) => {
    expect(() => clonesPerStorageFromEnv({ CAPSTAN_CLONES_PER_STORAGE: value })).toThrow(
      `CAPSTAN_CLONES_PER_STORAGE=${value}: use a whole number of at least 1`,
    );
  });
});
