import type { z } from 'zod';
import { addressesNeeded } from '../../addresses-needed.ts';
import type { DesiredControlPlane } from '../../desired-cluster.ts';
import { parseIpv4 } from '../../ipv4.ts';
import { poolAddresses } from '../../ipv4-pool.ts';
import type { MappedDeployment } from './deployments.ts';
import type { IssueLog, ObjectKey } from './issues.ts';
import type { ClusterInfrastructure } from './network.ts';

/**
 * Refuses a pool too small for the cluster before any VM exists: otherwise the machines that got
 * addresses are built and the next one blocks, with VMs already cloned.
 */
export function poolFitsCluster(
  infrastructure: ClusterInfrastructure,
  controlPlane: z.input<typeof DesiredControlPlane>,
  deployments: readonly MappedDeployment[],
  proxmoxKey: ObjectKey,
  log: IssueLog,
): void {
  const pool = infrastructure.network.ipv4Pool;
  const usable = poolAddresses({ addresses: pool.addresses, prefix: pool.prefix, gateway: pool.gateway });
  if (!Array.isArray(usable)) return; // reported where the pool was read
  const endpoint = infrastructure.network.controlPlaneEndpoint;
  const needed = addressesNeeded({
    controlPlane,
    deployments: deployments.map((d) => ({ name: d.desired.name, replicas: d.desired.replicas, strategy: d.desired.strategy })),
    // A VIP the user chose inside the pool's range takes one of its addresses as surely as one Capstan draws.
    endpointFromPool: endpoint === undefined || usable.includes(parseIpv4(endpoint.host) ?? -1),
  });
  if (usable.length >= needed.total) return;
  log.errors.push({
    object: proxmoxKey,
    path: 'spec.ipv4Config.addresses',
    message:
      `holds ${usable.length} usable address${usable.length === 1 ? '' : 'es'}, but the cluster needs ${needed.total} ` +
      `(${needed.parts.join(', ')}): widen the pool or lower the replicas`,
  });
}
