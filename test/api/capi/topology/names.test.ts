import { describe, expect, it } from 'vitest';
import { generatedName, nameSuffix } from '../../../../api/capi/topology/names.ts';

describe('generated names', () => {
  it('end in five characters of the Kubernetes generated-name alphabet, the same for the same seed', () => {
    expect(nameSuffix({ a: 1 })).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(nameSuffix({ a: 1 })).toBe(nameSuffix({ a: 1 }));
    expect(nameSuffix({ a: 1 })).not.toBe(nameSuffix({ a: 2 }));
    expect(generatedName('demo-md-0-', 'x')).toBe(`demo-md-0-${nameSuffix('x')}`);
  });

  it('cut the prefix so a name stays within 63 characters, as CAPI does', () => {
    const prefix = `${'c'.repeat(50)}-${'w'.repeat(20)}-`;
    const name = generatedName(prefix, 'seed');
    expect(name).toHaveLength(63);
    expect(name).toBe(`${prefix.slice(0, 58)}${nameSuffix('seed')}`);
  });
});
