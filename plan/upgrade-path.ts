import { compareVersions, minorOf, minorsBetween, type TalosRelease, type VersionCatalog } from '../api/versions.ts';
import { kubernetesPath, talosPath, talosReleaseOf, talosSupports } from './catalog.ts';
import { refuse, type Refusal } from './result.ts';
import { checkApiserverUpgrade, checkSkew, maxKubeletSkew } from './skew.ts';
import type { UpgradeHop, WorkerMove } from '../api/cluster-plan.ts';

/** A MachineDeployment's kubelet version now and where it should end (the cluster's target when absent). */
export interface WorkerGroupVersion {
  readonly name: string;
  readonly version: string;
  readonly target?: string;
}

/** What a chained upgrade starts from and aims at. */
export interface UpgradePathInput {
  readonly catalog: VersionCatalog;
  /** Kubernetes version of the control plane (the oldest member's, when they differ). */
  readonly controlPlane: string;
  /** Installed Talos version (the oldest machine's, when they differ). */
  readonly talos: string;
  readonly workers: readonly WorkerGroupVersion[];
  readonly target: { readonly kubernetes: string; readonly talos: string };
}

/** The ordered hops of an upgrade, or why none may start. */
export type UpgradePath = { readonly ok: true; readonly hops: UpgradeHop[] } | Refusal;

interface State {
  cp: string;
  talosVersion: string;
  talos: TalosRelease | undefined;
  workers: { name: string; version: string; target: string }[];
}

interface Problem {
  readonly key: string;
  readonly message: string;
}

const older = (a: string, b: string): string => (compareVersions(a, b) <= 0 ? a : b);
const kubelets = (s: State) => [
  { name: 'the control plane', version: s.cp },
  ...s.workers.map((w) => ({ name: `the kubelets of ${w.name}`, version: w.version })),
];

/** Skew-policy and Talos-support problems of a state, keyed so ones already present at the start can be told apart. */
function problems(s: State): Problem[] {
  const skew = checkSkew({ apiservers: [{ name: 'kube-apiserver', version: s.cp }], kubelets: kubelets(s).slice(1) });
  const found: Problem[] = skew.map((v) => ({
    key: `${v.rule}/${v.component}`,
    message: `it would break the Kubernetes version-skew policy: ${v.message}`,
  }));
  const talos = s.talos;
  if (!talos) return found;
  for (const c of kubelets(s).filter((k) => !talosSupports(talos, k.version))) {
    found.push({
      key: `talos/${c.name}`,
      message: `Talos ${s.talosVersion} supports Kubernetes ${talos.kubernetesMin} to ${talos.kubernetesMax}, and ${c.name} would run ${c.version}`,
    });
  }
  return found;
}

function describeWorkers(moves: readonly WorkerMove[]): string {
  const targets = new Set(moves.map((m) => m.to));
  const first = moves[0];
  if (targets.size === 1 && first) return `upgrade workers ${moves.map((m) => m.name).join(', ')} to ${first.to}`;
  return `upgrade workers ${moves.map((m) => `${m.name} to ${m.to}`).join(', ')}`;
}

function refuseBadTargets(input: UpgradePathInput): Refusal | undefined {
  const { controlPlane, talos, target, catalog } = input;
  if (compareVersions(target.kubernetes, controlPlane) < 0)
    return refuse(`the control plane runs Kubernetes ${controlPlane}; downgrading to ${target.kubernetes} is not supported`);
  if (compareVersions(target.talos, talos) < 0)
    return refuse(`Talos ${talos} is installed; downgrading to ${target.talos} is not supported`);
  for (const w of input.workers) {
    const to = w.target ?? target.kubernetes;
    if (compareVersions(to, w.version) < 0)
      return refuse(`the kubelets of ${w.name} run ${w.version}; downgrading to ${to} is not supported`);
    if (to !== w.version && !catalog.kubernetes.includes(to))
      return refuse(`Kubernetes ${to} (for ${w.name}) is not in the version catalog`);
  }
  return undefined;
}

/**
 * Plans a chained Kubernetes + Talos upgrade: the control plane through every intermediate minor,
 * workers only when the next control-plane hop would leave them too far behind and at the end,
 * Talos just before the Kubernetes hop that needs it (remaining Talos hops last). Refuses before
 * anything changes when a state on the way would break the skew policy or Talos' support range.
 */
export function planUpgradePath(input: UpgradePathInput): UpgradePath {
  const bad = refuseBadTargets(input);
  if (bad) return bad;
  const k8s = kubernetesPath(input.catalog, input.controlPlane, input.target.kubernetes);
  if (!k8s.ok) return k8s;
  const talos = talosPath(input.catalog, input.talos, input.target.talos);
  if (!talos.ok) return talos;
  const talosQueue = [...talos.path];
  const s: State = {
    cp: input.controlPlane,
    talosVersion: input.talos,
    talos: talosReleaseOf(input.catalog, input.talos),
    workers: input.workers.map((w) => ({ name: w.name, version: w.version, target: w.target ?? input.target.kubernetes })),
  };
  // A problem the cluster already has is tolerated on the way (a hop may be what fixes it), not at the end.
  const existing = new Set(problems(s).map((p) => p.key));
  const hops: UpgradeHop[] = [];
  const apply = (hop: UpgradeHop): Refusal | undefined => {
    const problem = problems(s).find((p) => !existing.has(p.key));
    if (problem) return refuse(`cannot ${hop.description}: ${problem.message}`);
    hops.push(hop);
    return undefined;
  };
  const moveWorkers = (
    pick: (w: State['workers'][number]) => boolean,
    to: (w: State['workers'][number]) => string,
  ): Refusal | undefined => {
    const moves = s.workers
      .filter(pick)
      .map((w) => ({ name: w.name, from: w.version, to: to(w) }))
      .filter((m) => compareVersions(m.to, m.from) > 0);
    if (moves.length === 0) return undefined;
    for (const w of s.workers) w.version = moves.find((m) => m.name === w.name)?.to ?? w.version;
    return apply({ kind: 'workers', deployments: moves, description: describeWorkers(moves) });
  };
  const upgradeTalos = (release: TalosRelease): Refusal | undefined => {
    // Kubernetes first when a kubelet is below the new Talos' minimum: those workers catch up with the control plane.
    const below = (version: string) => compareVersions(minorOf(version), release.kubernetesMin) < 0;
    const moved = moveWorkers(
      (w) => below(w.version),
      (w) => older(s.cp, w.target),
    );
    if (moved) return moved;
    const from = s.talosVersion;
    s.talosVersion = release.version;
    s.talos = release;
    return apply({ kind: 'talos', from, to: release.version, description: `upgrade Talos to ${release.version}` });
  };

  for (const next of k8s.path) {
    // Talos first when the next Kubernetes version is above what the installed Talos supports.
    while (!s.talos || !talosSupports(s.talos, next)) {
      if (!s.talos)
        return refuse(`Talos ${s.talosVersion} is not in the version catalog, so the Kubernetes versions it supports are unknown`);
      const release = talosQueue.shift();
      if (!release || compareVersions(minorOf(next), s.talos.kubernetesMin) < 0) {
        return refuse(
          `Kubernetes ${next} needs a Talos release that supports ${minorOf(next)}; Talos ${s.talosVersion} supports ${s.talos.kubernetesMin} to ${s.talos.kubernetesMax}`,
        );
      }
      const failed = upgradeTalos(release);
      if (failed) return failed;
    }
    // Workers move only when this hop would leave them more minors behind than the policy allows.
    const moved = moveWorkers(
      (w) => minorsBetween(w.version, next) > maxKubeletSkew(w.version),
      (w) => older(s.cp, w.target),
    );
    if (moved) return moved;
    const skip = checkApiserverUpgrade('the control plane', s.cp, next);
    if (skip) return refuse(skip.message);
    const from = s.cp;
    s.cp = next;
    const failed = apply({ kind: 'control-plane', from, to: next, description: `upgrade control plane to ${next}` });
    if (failed) return failed;
  }
  const last = moveWorkers(
    () => true,
    (w) => w.target,
  );
  if (last) return last;
  for (const release of talosQueue) {
    const failed = upgradeTalos(release);
    if (failed) return failed;
  }
  const left = problems(s)[0];
  if (left) return refuse(`after the upgrade, ${left.message}`);
  if (hops.some((h) => h.kind !== 'workers')) hops.unshift({ kind: 'snapshot-etcd', description: 'take an etcd snapshot' });
  return { ok: true, hops };
}
