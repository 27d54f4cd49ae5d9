// The versions a generated cluster starts at: only catalog versions, the missing one chosen as the
// newest the other pairs with, and a catalog that cannot pair them said of the flag at fault.
import { describe, expect, it } from 'vitest';
import type { VersionCatalog } from '../../api/versions.ts';
import { chooseVersions } from '../../client/cli/generate/choose-versions.ts';

const catalog: VersionCatalog = {
  // Unordered on purpose: "newest" is by version, not by position.
  kubernetes: ['v1.33.5', 'v1.31.2', 'v1.33.4', 'v1.32.1'],
  talos: [
    { version: 'v1.11.0', kubernetesMin: 'v1.31', kubernetesMax: 'v1.33' },
    { version: 'v1.9.3', kubernetesMin: 'v1.29', kubernetesMax: 'v1.32' },
    { version: 'v1.20.0', kubernetesMin: 'v1.40', kubernetesMax: 'v1.41' },
  ],
};

describe('chooseVersions', () => {
  it.each([
    ['nothing asked: the newest Kubernetes and the newest Talos that runs it', {}, { kubernetes: 'v1.33.5', talos: 'v1.11.0' }],
    ['an older Talos: the newest Kubernetes it runs', { talos: 'v1.9.3' }, { kubernetes: 'v1.32.1', talos: 'v1.9.3' }],
    ['an older Kubernetes: the newest Talos that runs it', { kubernetes: 'v1.31.2' }, { kubernetes: 'v1.31.2', talos: 'v1.11.0' }],
    ['both, compatible', { kubernetes: 'v1.32.1', talos: 'v1.9.3' }, { kubernetes: 'v1.32.1', talos: 'v1.9.3' }],
  ])('%s', (_case, asked, chosen) => {
    expect(chooseVersions(catalog, asked)).toEqual(chosen);
  });

  it.each([
    [
      'an unlisted Kubernetes',
      { kubernetes: 'v1.34.0' },
      'kubernetesVersion',
      "v1.34.0 is not in Capstan's version catalog; choose one of v1.33.5, v1.31.2, v1.33.4, v1.32.1",
    ],
    [
      'an unlisted Talos',
      { talos: 'v1.10.0' },
      'talosVersion',
      "v1.10.0 is not in Capstan's version catalog; choose one of v1.11.0, v1.9.3, v1.20.0",
    ],
    [
      'a pair Talos cannot run',
      { kubernetes: 'v1.33.4', talos: 'v1.9.3' },
      'kubernetesVersion',
      'Talos v1.9.3 runs Kubernetes v1.29 to v1.32, not v1.33.4; change --kubernetes-version or --talos-version',
    ],
    [
      'a Talos whose Kubernetes the catalog lacks',
      { talos: 'v1.20.0' },
      'talosVersion',
      'the version catalog lists no Kubernetes version that Talos v1.20.0 runs',
    ],
  ])('refuses %s, naming the option', (_case, asked, key, message) => {
    expect(chooseVersions(catalog, asked)).toEqual({ key, message });
  });

  it('refuses a Kubernetes no listed Talos runs', () => {
    const lonely: VersionCatalog = { ...catalog, kubernetes: ['v1.28.0'] };
    expect(chooseVersions(lonely, {})).toEqual({
      key: 'kubernetesVersion',
      message: 'no Talos release in the version catalog runs Kubernetes v1.28.0',
    });
  });
});
