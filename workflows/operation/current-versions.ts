import type { DesiredCluster } from '../../api/desired-cluster.ts';
import type { ObservedMachine } from '../../api/observed-cluster.ts';
import { compareVersions } from '../../api/versions.ts';

const oldest = (versions: readonly string[]): string | undefined => [...versions].sort(compareVersions)[0];

/**
 * The spec with the versions the cluster runs now (its oldest machines'): what a machine created
 * in the middle of an upgrade must run so it fits in with the machines around it. The cluster's
 * Talos is the control plane's: replaced workers may still run an older one until their own move.
 */
export function currentVersions(desired: DesiredCluster, machines: readonly ObservedMachine[]): DesiredCluster {
  const live = machines.filter((m) => m.phase !== 'Deleting');
  const controlPlanes = live.filter((m) => m.role === 'control-plane');
  const controlPlane = oldest(controlPlanes.map((m) => m.kubernetesVersion));
  return {
    ...desired,
    kubernetesVersion: controlPlane ?? desired.kubernetesVersion,
    talosVersion: oldest(controlPlanes.map((m) => m.talosVersion)) ?? desired.talosVersion,
    machineDeployments: desired.machineDeployments.map((md) => {
      const group = oldest(live.filter((m) => m.role === 'worker' && m.deployment === md.name).map((m) => m.kubernetesVersion));
      return group === undefined ? md : { ...md, kubernetesVersion: group };
    }),
  };
}
