// The clusters of a fleet measurement: 1 control plane + 2 workers each, every one in an address
// pool of its own. Addresses are unique across namespaces (the IPAM claims are cluster-wide), and
// each simulated Talos node listens on its VM's address, so no two clusters may share a pool.
import type { DesiredClusterInput } from '../../api/desired-cluster.ts';

/** The first second octet of the fleet's pools: 127.0.x.y is left to the servers (127.0.0.1). */
const firstOctet = 20;
const perOctet = 256;
const lastOctet = 255;

/** The most clusters the pools can tell apart. */
export const maxFleetClusters = (lastOctet - firstOctet + 1) * perOctet;

/** The IPv4 pool of the fleet's cluster `index` (0-based): eleven addresses in a /24 of its own. */
export function fleetPool(index: number): { readonly addresses: string[]; readonly prefix: number; readonly gateway: string } {
  if (!Number.isInteger(index) || index < 0 || index >= maxFleetClusters) {
    throw new Error(
      `fleet cluster index ${index} is outside 0…${maxFleetClusters - 1}: the fleet's pools are 127.${firstOctet}.0.0–127.${lastOctet}.255.0`,
    );
  }
  const net = `127.${firstOctet + Math.floor(index / perOctet)}.${index % perOctet}`;
  return { addresses: [`${net}.10-${net}.20`], prefix: 24, gateway: `${net}.1` };
}

const shape = { cores: 2, memoryMiB: 2048, diskGiB: 20, templateVmid: 9000 };

/** The fleet's cluster `index`: what the controller would map a 1 + 2 cluster's manifests onto. */
export function fleetDesiredCluster(namespace: string, index: number): DesiredClusterInput {
  const name = fleetClusterName(index);
  return {
    namespace,
    name,
    generation: 1,
    kubernetesVersion: 'v1.34.2',
    talosVersion: 'v1.11.5',
    controlPlane: { replicas: 1, machine: shape },
    machineDeployments: [{ name: 'md-0', replicas: 2, machine: shape }],
    proxmox: { allowedNodes: ['pve1', 'pve2', 'pve3'] },
    network: { poolName: name, ipv4Pool: fleetPool(index) },
    versionCatalog: {
      kubernetes: ['v1.33.4', 'v1.34.2'],
      talos: [{ version: 'v1.11.5', kubernetesMin: 'v1.29', kubernetesMax: 'v1.34' }],
    },
  };
}

/** Machines per fleet cluster (1 control plane + 2 workers). */
export const machinesPerFleetCluster = 3;

/** `fleet-0007`: sorts by index in the UI. */
export function fleetClusterName(index: number): string {
  return `fleet-${String(index).padStart(4, '0')}`;
}
