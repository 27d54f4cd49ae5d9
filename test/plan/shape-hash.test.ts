import { describe, expect, it } from 'vitest';
import { MachineShape } from '../../api/desired-cluster.ts';
import { fnv1a64, stableStringify } from '../../api/hash.ts';
import { shapeHash } from '../../plan/shape-hash.ts';

describe('shapeHash', () => {
  const shape = MachineShape.parse({ cores: 2, memoryMiB: 4096, diskGiB: 20, templateVmid: 9000 });

  it('ignores key order and absent optional fields', () => {
    const reordered = MachineShape.parse({ templateVmid: 9000, diskGiB: 20, memoryMiB: 4096, cores: 2, storage: undefined });
    expect(shapeHash(reordered)).toBe(shapeHash(shape));
  });

  it.each([
    ['cores', 4],
    ['memoryMiB', 8192],
    ['diskGiB', 40],
    ['templateVmid', 9001],
    ['storage', 'ssd'],
    ['vlan', 20],
  ])('changes with %s', (key, value) => {
    expect(shapeHash({ ...shape, [key]: value })).not.toBe(shapeHash(shape));
  });
});

describe('fnv1a64 / stableStringify', () => {
  it.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('FNV-1a 64 of %j is %s (reference vectors)', (text, hash) => {
    expect(fnv1a64(text)).toBe(hash);
  });

  it('sorts keys at every depth and keeps arrays in order', () => {
    expect(stableStringify({ b: [2, { d: 1, c: null }], a: 'x', e: undefined })).toBe('{"a":"x","b":[2,{"c":null,"d":1}]}');
  });
});
