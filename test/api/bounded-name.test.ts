import { describe, expect, it } from 'vitest';
import { boundedName } from '../../api/bounded-name.ts';
import { endpointClaimName } from '../../api/ipam.ts';
import { machineSetName } from '../../api/inventory.ts';

const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const longest = `c${'x'.repeat(61)}z`; // 63 characters, the longest cluster name

describe('boundedName', () => {
  it('leaves a name that fits alone', () => {
    expect(boundedName('demo', '-control-plane-endpoint')).toBe('demo-control-plane-endpoint');
    expect(endpointClaimName('demo')).toBe('demo-control-plane-endpoint');
  });

  it('cuts a long base to 63 characters with a hash of the whole base: stable, distinct, a valid label value', () => {
    const name = endpointClaimName(longest);
    expect(name).toHaveLength(63);
    expect(name).toMatch(labelValue);
    expect(name.endsWith('-control-plane-endpoint')).toBe(true);
    expect(endpointClaimName(longest)).toBe(name);
    expect(endpointClaimName(`${longest.slice(0, -1)}y`)).not.toBe(name);
  });

  it('keeps MachineSet names (a label value too) within 63 characters for a deployment name at the limit', () => {
    const name = machineSetName(longest, '0123456789abcdef');
    expect(name).toHaveLength(63);
    expect(name).toMatch(labelValue);
    expect(name.endsWith('-01234')).toBe(true);
  });
});
