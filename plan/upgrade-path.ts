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
  /** The group's installed Talos (its oldest machine's); the control plane's when absent. */
  readonly talos?: string;
  /**
   * Its machines are replaced (RollingUpdate): they keep their Talos while the control plane's
   * moves, and each new machine gets the Talos and kubelet of its group's move, so a group is
   * built once per upgrade unless the skew policy forces a move on the way. Otherwise (InPlace)
   * the Talos hops upgrade the group in place with the control plane.
   */
  readonly replaced?: boolean;
}

/** What a chained upgrade starts from and aims at. */
export interface UpgradePathInput {
  readonly catalog: VersionCatalog;
  /** Kubernetes version of the control plane (the oldest member's, when they differ). */
  readonly controlPlane: string;
  /** Installed Talos of the control plane and InPlace workers (the oldest machine's, when they differ). */
  readonly talos: string;
  readonly workers: readonly WorkerGroupVersion[];
  readonly target: { readonly kubernetes: string; readonly talos: string };
}

/** The ordered hops of an upgrade, or why none may start. */
export type UpgradePath = { readonly ok: true; readonly hops: UpgradeHop[] } | Refusal;

interface Group {
  name: string;
  version: string;
  target: string;
  talos: string;
  replaced: boolean;
}

interface State {
  cp: string;
  talosVersion: string;
  talos: TalosRelease | undefined;
  workers: Group[];
}

interface Problem {
  readonly key: string;
  readonly message: string;
}

const older = (a: string, b: string): string => (compareVersions(a, b) <= 0 ? a : b);

/** Skew-policy and Talos-support problems of a state, keyed so ones already present at the start can be told apart. */
function problems(s: State, catalog: VersionCatalog): Problem[] {
  // Each kubelet with the Talos it runs on: a replaced group's may differ from the control plane's.
  const kubelets = [
    { name: 'the control plane', version: s.cp, talosVersion: s.talosVersion, talos: s.talos },
    ...s.workers.map((w) => ({
      name: `the kubelets of ${w.name}`,
      version: w.version,
      talosVersion: w.talos,
      talos: talosReleaseOf(catalog, w.talos),
    })),
  ];
  const skew = checkSkew({ apiservers: [{ name: 'kube-apiserver', version: s.cp }], kubelets: kubelets.slice(1) });
  const found: Problem[] = skew.map((v) => ({
    key: `${v.rule}/${v.component}`,
    message: `it would break the Kubernetes version-skew policy: ${v.message}`,
  }));
  for (const c of kubelets) {
    if (!c.talos || talosSupports(c.talos, c.version)) continue;
    found.push({
      key: `talos/${c.name}`,
      message: `Talos ${c.talosVersion} supports Kubernetes ${c.talos.kubernetesMin} to ${c.talos.kubernetesMax}, and ${c.name} would run ${c.version}`,
    });
  }
  return found;
}

/** "md-0 to v1.35.0", and "with Talos v1.12.0" when the move builds the group on a new Talos. */
function moveTarget(m: WorkerMove): string {
  return m.talos && m.talos.to !== m.talos.from ? `${m.to} with Talos ${m.talos.to}` : m.to;
}

function describeWorkers(moves: readonly WorkerMove[]): string {
  const targets = new Set(moves.map(moveTarget));
  const first = moves[0];
  if (targets.size === 1 && first) return `upgrade workers ${moves.map((m) => m.name).join(', ')} to ${moveTarget(first)}`;
  return `upgrade workers ${moves.map((m) => `${m.name} to ${moveTarget(m)}`).join(', ')}`;
}

function refuseBadTargets(input: UpgradePathInput): Refusal | undefined {
  const { controlPlane, talos, target, catalog } = input;
  if (compareVersions(target.kubernetes, controlPlane) < 0)
    return refuse(`the control plane runs Kubernetes ${controlPlane}; downgrading to ${target.kubernetes} is not supported`);
  for (const installed of [talos, ...input.workers.map((w) => w.talos ?? talos)]) {
    if (compareVersions(target.talos, installed) < 0)
      return refuse(`Talos ${installed} is installed; downgrading to ${target.talos} is not supported`);
  }
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
 * Talos just before the Kubernetes hop that needs it (remaining Talos hops last). Talos hops move
 * the control plane and InPlace workers; replaced (RollingUpdate) workers keep their Talos until
 * their own move, so at the end they are built once with the final kubelet and Talos. Refuses
 * before anything changes when a state on the way would break the skew policy or a group's
 * Talos support range.
 */
export function planUpgradePath(input: UpgradePathInput): UpgradePath {
  const bad = refuseBadTargets(input);
  if (bad) return bad;
  const { catalog } = input;
  const k8s = kubernetesPath(catalog, input.controlPlane, input.target.kubernetes);
  if (!k8s.ok) return k8s;
  const talos = talosPath(catalog, input.talos, input.target.talos);
  if (!talos.ok) return talos;
  const talosQueue = [...talos.path];
  const s: State = {
    cp: input.controlPlane,
    talosVersion: input.talos,
    talos: talosReleaseOf(catalog, input.talos),
    workers: input.workers.map((w) => ({
      name: w.name,
      version: w.version,
      target: w.target ?? input.target.kubernetes,
      talos: w.talos ?? input.talos,
      replaced: w.replaced ?? false,
    })),
  };
  // A problem the cluster already has is tolerated on the way (a hop may be what fixes it), not at the end.
  const existing = new Set(problems(s, catalog).map((p) => p.key));
  const hops: UpgradeHop[] = [];
  const apply = (hop: UpgradeHop): Refusal | undefined => {
    const problem = problems(s, catalog).find((p) => !existing.has(p.key));
    if (problem) return refuse(`cannot ${hop.description}: ${problem.message}`);
    hops.push(hop);
    return undefined;
  };
  const moveWorkers = (pick: (w: Group) => boolean, to: (w: Group) => string): Refusal | undefined => {
    const moves = s.workers.filter(pick).flatMap((w): WorkerMove[] => {
      const move = { name: w.name, from: w.version, to: to(w), talos: { from: w.talos, to: w.replaced ? s.talosVersion : w.talos } };
      return compareVersions(move.to, move.from) > 0 || move.talos.to !== move.talos.from ? [move] : [];
    });
    if (moves.length === 0) return undefined;
    for (const w of s.workers) {
      const move = moves.find((m) => m.name === w.name);
      if (move) [w.version, w.talos] = [move.to, move.talos?.to ?? w.talos];
    }
    return apply({ kind: 'workers', deployments: moves, description: describeWorkers(moves) });
  };
  const upgradeTalos = (release: TalosRelease): Refusal | undefined => {
    // Kubernetes first when an InPlace kubelet is below the new Talos' minimum: those workers catch up with the control plane.
    const below = (version: string) => compareVersions(minorOf(version), release.kubernetesMin) < 0;
    const moved = moveWorkers(
      (w) => !w.replaced && below(w.version),
      (w) => older(s.cp, w.target),
    );
    if (moved) return moved;
    const from = s.talosVersion;
    s.talosVersion = release.version;
    s.talos = release;
    for (const w of s.workers) if (!w.replaced) w.talos = release.version;
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
  // InPlace workers take their last kubelet before the remaining Talos hops (which may need it);
  // replaced ones wait for those hops, so their new machines get the final Talos too.
  const last = moveWorkers(
    (w) => talosQueue.length === 0 || !w.replaced,
    (w) => w.target,
  );
  if (last) return last;
  for (const release of talosQueue) {
    const failed = upgradeTalos(release);
    if (failed) return failed;
  }
  const replaced = moveWorkers(
    (w) => w.replaced,
    (w) => w.target,
  );
  if (replaced) return replaced;
  const left = problems(s, catalog)[0];
  if (left) return refuse(`after the upgrade, ${left.message}`);
  if (hops.some((h) => h.kind !== 'workers')) hops.unshift({ kind: 'snapshot-etcd', description: 'take an etcd snapshot' });
  return { ok: true, hops };
}
