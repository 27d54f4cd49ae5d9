import { describe, expect, it } from 'vitest';
import { kubernetesPath, talosPath, talosReleaseOf, talosSupports } from '../../plan/catalog.ts';
import { catalog, catalogWithout } from './catalog-fixture.ts';

describe('kubernetesPath', () => {
  it('visits every intermediate minor at its latest known patch (lifecycle-facts: 1.28 → 1.31.2)', () => {
    const known = { kubernetes: ['v1.28.0', 'v1.29.0', 'v1.30.0', 'v1.30.1', 'v1.31.0', 'v1.31.2'], talos: catalog.talos };
    expect(kubernetesPath(known, 'v1.28.0', 'v1.31.2')).toEqual({ ok: true, path: ['v1.29.0', 'v1.30.1', 'v1.31.2'] });
  });

  it.each([
    ['v1.33.4', 'v1.36.1', ['v1.34.2', 'v1.35.3', 'v1.36.1']],
    ['v1.33.1', 'v1.33.6', ['v1.33.6']],
    ['v1.33.4', 'v1.34.0', ['v1.34.0']],
    ['v1.36.1', 'v1.36.1', []],
  ])('%s → %s', (from, to, path) => {
    expect(kubernetesPath(catalog, from, to)).toEqual({ ok: true, path });
  });

  it.each([
    [catalog, 'v1.36.1', 'v1.36.7', 'Kubernetes v1.36.7 is not in the version catalog'],
    [
      catalogWithout('v1.35.1', 'v1.35.3'),
      'v1.33.4',
      'v1.36.1',
      'the version catalog has no Kubernetes v1.35.x, and the control plane cannot skip from v1.34 to v1.36',
    ],
    [catalog, 'v1.36.1', 'v2.0.0', 'Kubernetes v1.36.1 → v2.0.0 crosses a major version; Capstan does not plan that'],
  ])('refuses %#: %s', (versions, from, to, reason) => {
    expect(kubernetesPath(versions, from, to)).toEqual({ ok: false, reason });
  });
});

describe('talosPath', () => {
  it.each([
    ['v1.11.2', 'v1.13.2', ['v1.12.4', 'v1.13.2']],
    ['v1.11.2', 'v1.11.5', ['v1.11.5']],
    ['v1.10.7', 'v1.13.0', ['v1.11.5', 'v1.12.4', 'v1.13.0']],
    ['v1.13.2', 'v1.13.2', []],
  ])('%s → %s goes through the latest patch of every minor', (from, to, versions) => {
    const path = talosPath(catalog, from, to);
    expect(path.ok && path.path.map((r) => r.version)).toEqual(versions);
  });

  it.each([
    [catalog, 'v1.13.9', 'Talos v1.13.9 is not in the version catalog'],
    [
      catalogWithout('v1.12.0', 'v1.12.4'),
      'v1.13.2',
      'the version catalog has no Talos v1.12.x release, and Talos upgrades go through every minor (v1.11 → v1.13)',
    ],
  ])('refuses %#: %s', (versions, to, reason) => {
    expect(talosPath(versions, 'v1.11.5', to)).toEqual({ ok: false, reason });
  });
});

describe('talosReleaseOf / talosSupports', () => {
  it('finds the range of an installed patch the catalog does not list by its minor', () => {
    expect(talosReleaseOf(catalog, 'v1.12.2')).toEqual({ version: 'v1.12.4', kubernetesMin: 'v1.30', kubernetesMax: 'v1.35' });
    expect(talosReleaseOf(catalog, 'v1.9.0')).toBeUndefined();
  });

  it.each([
    ['v1.29.5', false],
    ['v1.30.0', true],
    ['v1.35.3', true],
    ['v1.36.0', false],
  ])('Talos v1.12 runs Kubernetes %s: %s', (version, supported) => {
    expect(talosSupports({ version: 'v1.12.4', kubernetesMin: 'v1.30', kubernetesMax: 'v1.35' }, version)).toBe(supported);
  });
});
