import { compareVersions, minorsBetween, parseVersion } from '../api/versions.ts';

/** One component (or group of them) at one version; `name` is how messages call it ("the kubelets of md-0"). */
export interface VersionedComponent {
  readonly name: string;
  readonly version: string;
}

/** The Kubernetes versions of a cluster at one moment: every kube-apiserver and every kubelet group. */
export interface SkewState {
  readonly apiservers: readonly VersionedComponent[];
  readonly kubelets: readonly VersionedComponent[];
}

/** The skew-policy rules, named so callers can tell a new violation from one that was already there. */
export const SkewRule = {
  MajorMismatch: 'major-mismatch',
  ApiserverSkipsMinor: 'apiserver-skips-minor',
  ApiserversApart: 'apiservers-apart',
  KubeletNewer: 'kubelet-newer-than-apiserver',
  KubeletTooOld: 'kubelet-too-old',
} as const;
export type SkewRule = (typeof SkewRule)[keyof typeof SkewRule];

/** A broken rule of the Kubernetes version-skew policy, with a sentence for the operator. */
export interface SkewViolation {
  readonly rule: SkewRule;
  /** The component that breaks the rule. */
  readonly component: string;
  readonly message: string;
}

/** How many minors a kubelet may trail the apiserver: 3, but only 2 for kubelets older than v1.25. */
export function maxKubeletSkew(kubeletVersion: string): number {
  const { major, minor } = parseVersion(kubeletVersion);
  return major === 1 && minor < 25 ? 2 : 3;
}

const plural = (n: number): string => (n === 1 ? '1 minor' : `${n} minors`);

/** Every violation of the skew policy in `state` (empty when allowed), checking minors as the policy does. */
export function checkSkew(state: SkewState): SkewViolation[] {
  const sorted = [...state.apiservers].sort((a, b) => compareVersions(a.version, b.version));
  const oldest = sorted[0];
  const newest = sorted.at(-1);
  if (!oldest || !newest) return [];
  const violations: SkewViolation[] = [];
  const major = parseVersion(oldest.version).major;
  const others = [...sorted, ...state.kubelets].filter((c) => parseVersion(c.version).major !== major);
  for (const c of others) {
    violations.push({
      rule: SkewRule.MajorMismatch,
      component: c.name,
      message: `${c.name} at ${c.version} would not share the apiserver's major version v${major}`,
    });
  }
  if (others.length > 0) return violations;
  if (minorsBetween(oldest.version, newest.version) > 1) {
    violations.push({
      rule: SkewRule.ApiserversApart,
      component: newest.name,
      message: `${newest.name} at ${newest.version} is ${plural(minorsBetween(oldest.version, newest.version))} ahead of ${oldest.name} at ${oldest.version}; HA kube-apiservers must stay within 1 minor of each other`,
    });
  }
  for (const kubelet of state.kubelets) {
    // A kubelet may not be newer than any apiserver it could talk to, so the oldest one bounds it.
    const ahead = minorsBetween(oldest.version, kubelet.version);
    if (ahead > 0) {
      violations.push({
        rule: SkewRule.KubeletNewer,
        component: kubelet.name,
        message: `${kubelet.name} at ${kubelet.version} would be newer than ${oldest.name} at ${oldest.version}; a kubelet must never be newer than the apiserver`,
      });
    }
    const behind = minorsBetween(kubelet.version, newest.version);
    const allowed = maxKubeletSkew(kubelet.version);
    if (behind > allowed) {
      const why = allowed === 2 ? 'at most 2 for kubelets older than v1.25' : 'at most 3 are allowed';
      violations.push({
        rule: SkewRule.KubeletTooOld,
        component: kubelet.name,
        message: `${kubelet.name} at ${kubelet.version} would be ${plural(behind)} older than ${newest.name} at ${newest.version}; ${why}`,
      });
    }
  }
  return violations;
}

/** The violation of moving a kube-apiserver from `from` to `to` when that skips a minor (or crosses a major). */
export function checkApiserverUpgrade(name: string, from: string, to: string): SkewViolation | undefined {
  if (parseVersion(from).major !== parseVersion(to).major) {
    return {
      rule: SkewRule.MajorMismatch,
      component: name,
      message: `${name} cannot move from ${from} to ${to}: Capstan does not cross major versions`,
    };
  }
  const step = minorsBetween(from, to);
  if (step <= 1) return undefined;
  return {
    rule: SkewRule.ApiserverSkipsMinor,
    component: name,
    message: `${name} cannot move from ${from} to ${to}: kube-apiserver never skips a minor (${plural(step - 1)} skipped)`,
  };
}
