import type { DesiredCluster } from '../api/desired-cluster.ts';
import type { ObservedMachine } from '../api/observed-cluster.ts';
import { compareVersions } from '../api/versions.ts';
import { refuse, type Refusal } from './result.ts';
import { planUpgradePath, type UpgradePath, type WorkerGroupVersion } from './upgrade-path.ts';
import type { ClusterVersions } from '../api/cluster-plan.ts';

/** An upgrade the cluster needs: where it stands (its oldest machines), where it goes, and the hops. */
export interface ClusterUpgrade {
  readonly from: ClusterVersions;
  readonly to: ClusterVersions;
  readonly workers: readonly WorkerGroupVersion[];
  readonly path: UpgradePath;
}

const oldest = (versions: readonly string[]): string | undefined => [...versions].sort(compareVersions)[0];
const newestMachine = (machines: readonly ObservedMachine[], version: (m: ObservedMachine) => string): ObservedMachine | undefined =>
  [...machines].sort((a, b) => compareVersions(version(b), version(a)))[0];

/** A machine already newer than what is desired: downgrades are refused, never planned. */
function refuseNewer(
  machines: readonly ObservedMachine[],
  version: (m: ObservedMachine) => string,
  wanted: string,
  what: string,
): Refusal | undefined {
  const newest = newestMachine(machines, version);
  if (!newest || compareVersions(version(newest), wanted) <= 0) return undefined;
  return refuse(`${newest.name} runs ${what} ${version(newest)}, newer than the desired ${wanted}; downgrades are not supported`);
}

/**
 * Compares the versions machines run with the desired ones. Plans from the oldest machine of each
 * group, so an upgrade interrupted half-way resumes where it stopped. Undefined when nothing differs.
 */
export function planClusterUpgrade(desired: DesiredCluster, machines: readonly ObservedMachine[]): ClusterUpgrade | Refusal | undefined {
  const live = machines.filter((m) => m.phase !== 'Deleting');
  const controlPlane = live.filter((m) => m.role === 'control-plane');
  const cpVersion = oldest(controlPlane.map((m) => m.kubernetesVersion));
  const talos = oldest(live.map((m) => m.talosVersion));
  if (cpVersion === undefined || talos === undefined) return undefined;
  const newer =
    refuseNewer(controlPlane, (m) => m.kubernetesVersion, desired.kubernetesVersion, 'Kubernetes') ??
    refuseNewer(live, (m) => m.talosVersion, desired.talosVersion, 'Talos');
  if (newer) return newer;
  const workers: WorkerGroupVersion[] = [];
  // The Talos hops move the control plane and InPlace workers; replaced groups keep their own Talos.
  const steppedInPlace = [...controlPlane];
  for (const md of desired.machineDeployments) {
    const group = live.filter((m) => m.role === 'worker' && m.deployment === md.name);
    const version = oldest(group.map((m) => m.kubernetesVersion));
    const groupTalos = oldest(group.map((m) => m.talosVersion));
    if (version === undefined || groupTalos === undefined) continue;
    const target = md.kubernetesVersion ?? desired.kubernetesVersion;
    const tooNew = refuseNewer(group, (m) => m.kubernetesVersion, target, 'Kubernetes');
    if (tooNew) return tooNew;
    const replaced = md.strategy.type === 'RollingUpdate';
    if (!replaced) steppedInPlace.push(...group);
    workers.push({ name: md.name, version, target, talos: groupTalos, replaced });
  }
  const to = { kubernetes: desired.kubernetesVersion, talos: desired.talosVersion };
  const settled = workers.every((w) => w.version === w.target && w.talos === to.talos);
  if (cpVersion === to.kubernetes && talos === to.talos && settled) return undefined;
  const path = planUpgradePath({
    catalog: desired.versionCatalog,
    controlPlane: cpVersion,
    talos: oldest(steppedInPlace.map((m) => m.talosVersion)) ?? talos,
    workers,
    target: to,
  });
  return { from: { kubernetes: cpVersion, talos }, to, workers, path };
}

/** "upgrade Kubernetes v1.33.4 → v1.36.1, Talos v1.11.5 → v1.13.2", naming only what moves. */
export function describeUpgrade(upgrade: ClusterUpgrade): string {
  const parts: string[] = [];
  if (upgrade.from.kubernetes !== upgrade.to.kubernetes) parts.push(`Kubernetes ${upgrade.from.kubernetes} → ${upgrade.to.kubernetes}`);
  else if (upgrade.workers.some((w) => w.version !== w.target)) parts.push(`workers to ${upgrade.to.kubernetes}`);
  if (upgrade.from.talos !== upgrade.to.talos) parts.push(`Talos ${upgrade.from.talos} → ${upgrade.to.talos}`);
  return `upgrade ${parts.join(', ')}`;
}
