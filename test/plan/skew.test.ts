import { describe, expect, it } from 'vitest';
import { checkApiserverUpgrade, checkSkew, maxKubeletSkew, type SkewState } from '../../plan/skew.ts';

const api = (version: string, name = 'kube-apiserver') => ({ name, version });
const kubelet = (version: string, name = 'the kubelets of md-0') => ({ name, version });

describe('checkSkew', () => {
  it.each<[string, SkewState]>([
    ['same versions', { apiservers: [api('v1.33.4')], kubelets: [kubelet('v1.33.4')] }],
    ['kubelet 3 minors older', { apiservers: [api('v1.33.4')], kubelets: [kubelet('v1.30.0')] }],
    ['kubelet newer patch of the same minor', { apiservers: [api('v1.33.1')], kubelets: [kubelet('v1.33.6')] }],
    ['kubelet v1.23 two minors older than v1.25', { apiservers: [api('v1.25.0')], kubelets: [kubelet('v1.23.9')] }],
    [
      'HA apiservers one minor apart, kubelet at the older',
      { apiservers: [api('v1.32.3', 'cp-1'), api('v1.31.7', 'cp-2')], kubelets: [kubelet('v1.31.2')] },
    ],
    [
      'HA apiservers one minor apart, kubelet 3 behind the newer',
      { apiservers: [api('v1.32.3', 'cp-1'), api('v1.31.7', 'cp-2')], kubelets: [kubelet('v1.29.0')] },
    ],
    ['no apiservers yet', { apiservers: [], kubelets: [kubelet('v1.29.0')] }],
  ])('allows %s', (_name, state) => {
    expect(checkSkew(state)).toEqual([]);
  });

  it.each<[string, SkewState, string, string]>([
    [
      'a kubelet 4 minors older',
      { apiservers: [api('v1.33.2')], kubelets: [kubelet('v1.29.3')] },
      'kubelet-too-old',
      'the kubelets of md-0 at v1.29.3 would be 4 minors older than kube-apiserver at v1.33.2; at most 3 are allowed',
    ],
    [
      'a v1.24 kubelet 3 minors older (only 2 allowed before v1.25)',
      { apiservers: [api('v1.27.0')], kubelets: [kubelet('v1.24.1')] },
      'kubelet-too-old',
      'the kubelets of md-0 at v1.24.1 would be 3 minors older than kube-apiserver at v1.27.0; at most 2 for kubelets older than v1.25',
    ],
    [
      'a kubelet newer than the apiserver',
      { apiservers: [api('v1.33.4')], kubelets: [kubelet('v1.34.0')] },
      'kubelet-newer-than-apiserver',
      'the kubelets of md-0 at v1.34.0 would be newer than kube-apiserver at v1.33.4; a kubelet must never be newer than the apiserver',
    ],
    [
      'a kubelet newer than the older of two HA apiservers',
      { apiservers: [api('v1.32.3', 'cp-1'), api('v1.31.7', 'cp-2')], kubelets: [kubelet('v1.32.3')] },
      'kubelet-newer-than-apiserver',
      'the kubelets of md-0 at v1.32.3 would be newer than cp-2 at v1.31.7; a kubelet must never be newer than the apiserver',
    ],
    [
      'HA apiservers two minors apart',
      { apiservers: [api('v1.31.7', 'cp-1'), api('v1.33.1', 'cp-2')], kubelets: [] },
      'apiservers-apart',
      'cp-2 at v1.33.1 is 2 minors ahead of cp-1 at v1.31.7; HA kube-apiservers must stay within 1 minor of each other',
    ],
    [
      'a kubelet on another major version',
      { apiservers: [api('v1.33.1')], kubelets: [kubelet('v2.0.0')] },
      'major-mismatch',
      "the kubelets of md-0 at v2.0.0 would not share the apiserver's major version v1",
    ],
  ])('refuses %s', (_name, state, rule, message) => {
    expect(checkSkew(state)).toEqual([{ rule, component: expect.any(String) as string, message }]);
  });

  it('names every violation, kubelet by kubelet', () => {
    const violations = checkSkew({
      apiservers: [api('v1.34.0')],
      kubelets: [kubelet('v1.30.0', 'a'), kubelet('v1.34.0', 'b'), kubelet('v1.29.0', 'c')],
    });
    expect(violations.map((v) => [v.rule, v.component])).toEqual([
      ['kubelet-too-old', 'a'],
      ['kubelet-too-old', 'c'],
    ]);
  });
});

describe('maxKubeletSkew', () => {
  it.each([
    ['v1.22.0', 2],
    ['v1.24.17', 2],
    ['v1.25.0', 3],
    ['v1.33.4', 3],
  ])('%s may trail by %i minors', (version, skew) => {
    expect(maxKubeletSkew(version)).toBe(skew);
  });
});

describe('checkApiserverUpgrade', () => {
  it.each([
    ['v1.33.4', 'v1.33.6'],
    ['v1.33.4', 'v1.34.0'],
  ])('allows %s → %s', (from, to) => {
    expect(checkApiserverUpgrade('the control plane', from, to)).toBeUndefined();
  });

  it.each([
    ['v1.33.4', 'v1.35.1', 'the control plane cannot move from v1.33.4 to v1.35.1: kube-apiserver never skips a minor (1 minor skipped)'],
    ['v1.29.0', 'v1.33.1', 'the control plane cannot move from v1.29.0 to v1.33.1: kube-apiserver never skips a minor (3 minors skipped)'],
    ['v1.33.4', 'v2.0.0', 'the control plane cannot move from v1.33.4 to v2.0.0: Capstan does not cross major versions'],
  ])('refuses %s → %s', (from, to, message) => {
    expect(checkApiserverUpgrade('the control plane', from, to)?.message).toBe(message);
  });
});
