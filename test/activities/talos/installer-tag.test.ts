import { describe, expect, it } from 'vitest';
import { installerTag } from '../../../activities/talos/operations/upgrade-node.ts';

describe('installerTag', () => {
  it.each([
    ['ghcr.io/siderolabs/installer:v1.12.4', 'v1.12.4'],
    [`factory.talos.dev/installer/${'a'.repeat(64)}:v1.13.0-beta.1`, 'v1.13.0-beta.1'],
    ['registry.local:5000/siderolabs/installer:v1.11.5', 'v1.11.5'],
    ['registry.local:5000/siderolabs/installer', undefined],
    ['ghcr.io/siderolabs/installer:latest', undefined],
  ])('%s → %s', (image, tag) => {
    expect(installerTag(image)).toBe(tag);
  });
});
