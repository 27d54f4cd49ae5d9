import { z } from 'zod';
import { poolAddresses } from '../../ipv4-pool.ts';
import type { DesiredClusterInput } from '../../desired-cluster.ts';
import type { ProxmoxCredentialsRef } from '../../proxmox-credentials.ts';
import type { Cluster } from '../cluster.ts';
import type { ApiEndpoint } from '../meta.ts';
import type { ProxmoxCluster } from '../proxmox-cluster.ts';
import { externalLoadBalancerOf } from './control-plane-endpoint.ts';
import { reportUnsupported, type UnsupportedField } from './unsupported.ts';
import type { IssueLog, ObjectKey } from './issues.ts';

const ipv4 = z.ipv4();
const isIpv4 = (text: string): boolean => ipv4.safeParse(text).success;
const isCidr = (text: string): boolean => z.union([z.cidrv4(), z.cidrv6()]).safeParse(text).success;

// One pool entry as CAPMOX and the in-cluster IPAM provider take it.
function isPoolEntry(entry: string): boolean {
  if (isIpv4(entry)) return true;
  if (z.cidrv4().safeParse(entry).success) return true;
  const [from, to, ...rest] = entry.split('-');
  return rest.length === 0 && from !== undefined && to !== undefined && isIpv4(from.trim()) && isIpv4(to.trim());
}

const proxmoxUnsupported: readonly UnsupportedField[] = [
  { path: 'spec.schedulerHints', reason: 'Capstan places VMs on the allowed node with the most free memory' },
  { path: 'spec.ipv6Config', reason: 'Capstan gives machines IPv4 addresses only' },
  { path: 'spec.cloneSpec', reason: 'machines are described by ProxmoxMachineTemplates' },
  { path: 'spec.externalManagedControlPlane', reason: 'Capstan always manages the control-plane endpoint' },
];

const clusterUnsupported: readonly UnsupportedField[] = [
  { path: 'spec.availabilityGates', reason: 'Capstan computes readiness from its own conditions' },
];

/** The parts of DesiredCluster that come from the Cluster and its ProxmoxCluster. */
export type ClusterInfrastructure = Pick<DesiredClusterInput, 'network'> & { readonly credentialsRef?: ProxmoxCredentialsRef };

const chosen = (endpoint: ApiEndpoint | undefined): ApiEndpoint | undefined => (endpoint && endpoint.host !== '' ? endpoint : undefined);

/**
 * Maps Cluster `clusterNetwork` and `controlPlaneEndpoint` and the ProxmoxCluster's pool, DNS
 * servers and credentials. The endpoint may be written on either object (CAPMOX users set it on
 * the ProxmoxCluster, CAPI copies it to the Cluster); when both are set they must agree.
 */
export function clusterInfrastructure(
  cluster: Cluster,
  clusterKey: ObjectKey,
  proxmox: ProxmoxCluster,
  proxmoxKey: ObjectKey,
  log: IssueLog,
): ClusterInfrastructure | undefined {
  const errorsBefore = log.errors.length;
  const error = (object: ObjectKey, path: string, message: string): void => {
    log.errors.push({ object, path, message });
  };
  reportUnsupported(cluster, clusterUnsupported, clusterKey, log);
  reportUnsupported(proxmox, proxmoxUnsupported, proxmoxKey, log);

  const clusterNetwork = cluster.spec.clusterNetwork;
  if (clusterNetwork?.apiServerPort !== undefined && clusterNetwork.apiServerPort !== 6443) {
    log.warnings.push({
      object: clusterKey,
      path: 'spec.clusterNetwork.apiServerPort',
      message: 'is not supported by Capstan and is ignored: Talos API servers listen on 6443',
    });
  }
  if (clusterNetwork?.serviceDomain !== undefined && clusterNetwork.serviceDomain !== 'cluster.local') {
    log.warnings.push({
      object: clusterKey,
      path: 'spec.clusterNetwork.serviceDomain',
      message: 'is not supported by Capstan and is ignored: clusters use cluster.local',
    });
  }
  const subnets = (kind: 'pods' | 'services'): string[] | undefined => {
    const blocks = clusterNetwork?.[kind]?.cidrBlocks;
    blocks?.forEach((block, index) => {
      if (!isCidr(block))
        error(
          clusterKey,
          `spec.clusterNetwork.${kind}.cidrBlocks[${index}]`,
          `must be a CIDR like ${kind === 'pods' ? '10.244.0.0/16' : '10.96.0.0/12'}, not ${block}`,
        );
    });
    return blocks && blocks.length > 0 ? blocks : undefined;
  };
  const podSubnets = subnets('pods');
  const serviceSubnets = subnets('services');

  const fromCluster = chosen(cluster.spec.controlPlaneEndpoint);
  const fromProxmox = chosen(proxmox.spec.controlPlaneEndpoint);
  const port = (e: ApiEndpoint): number => (e.port === 0 ? 6443 : e.port);
  if (fromCluster && fromProxmox && (fromCluster.host !== fromProxmox.host || port(fromCluster) !== port(fromProxmox))) {
    error(
      clusterKey,
      'spec.controlPlaneEndpoint',
      `${fromCluster.host}:${port(fromCluster)} differs from ProxmoxCluster ${proxmoxKey.name}'s ${fromProxmox.host}:${port(fromProxmox)}; set it on one of them, or the same on both`,
    );
  }
  const endpoint = fromProxmox ?? fromCluster;
  if (endpoint && !isIpv4(endpoint.host)) {
    const [object, path] = fromProxmox ? [proxmoxKey, 'spec.controlPlaneEndpoint.host'] : [clusterKey, 'spec.controlPlaneEndpoint.host'];
    error(object, path, `must be an IPv4 address, not ${endpoint.host}: Capstan does not support a DNS name as the control-plane endpoint`);
  }

  const pool = proxmox.spec.ipv4Config;
  if (!pool) {
    error(proxmoxKey, 'spec.ipv4Config', 'is required: Capstan gives machines static IPv4 addresses from this pool');
  } else {
    pool.addresses.forEach((entry, index) => {
      if (!isPoolEntry(entry))
        error(
          proxmoxKey,
          `spec.ipv4Config.addresses[${index}]`,
          `must be an IPv4 address, a range like 10.0.0.10-10.0.0.50 or a CIDR like 10.0.1.0/28, not ${entry}`,
        );
    });
    if (pool.prefix > 32) error(proxmoxKey, 'spec.ipv4Config.prefix', `must be at most 32 for IPv4, not ${pool.prefix}`);
    if (pool.gateway !== undefined && !isIpv4(pool.gateway))
      error(proxmoxKey, 'spec.ipv4Config.gateway', `must be an IPv4 address, not ${pool.gateway}`);
    if (log.errors.length === errorsBefore) {
      // Well-formed entries can still describe no usable pool: a range written backwards, an
      // address outside the gateway's subnet. The allocator would find out only at the first machine.
      const usable = poolAddresses(pool);
      if (!Array.isArray(usable))
        error(proxmoxKey, usable.entry === undefined ? 'spec.ipv4Config' : `spec.ipv4Config.addresses[${usable.entry}]`, usable.message);
    }
    if (pool.metric !== undefined)
      log.warnings.push({
        object: proxmoxKey,
        path: 'spec.ipv4Config.metric',
        message: 'is not supported by Capstan and is ignored: machines get one default route',
      });
  }
  const external = externalLoadBalancerOf(
    { key: clusterKey, annotations: cluster.metadata.annotations },
    { key: proxmoxKey, annotations: proxmox.metadata.annotations },
    endpoint ? { host: endpoint.host, port: port(endpoint), object: fromProxmox ? proxmoxKey : clusterKey } : undefined,
    pool,
    log,
  );
  proxmox.spec.dnsServers.forEach((server, index) => {
    if (!isIpv4(server)) error(proxmoxKey, `spec.dnsServers[${index}]`, `must be an IPv4 address, not ${server}: machines are IPv4-only`);
  });

  // CAPMOX reads the Secret from the ProxmoxCluster's namespace unless the reference names another (an empty one counts as none).
  const credentials = proxmox.spec.credentialsRef;
  const credentialsRef = credentials && { name: credentials.name, namespace: credentials.namespace || proxmoxKey.namespace };
  if (log.errors.length > errorsBefore || !pool) return undefined;
  return {
    network: {
      poolName: proxmoxKey.name,
      ipv4Pool: {
        addresses: pool.addresses,
        prefix: pool.prefix,
        ...(pool.gateway === undefined ? {} : { gateway: pool.gateway }),
        dnsServers: proxmox.spec.dnsServers,
      },
      ...(endpoint
        ? {
            controlPlaneEndpoint: {
              host: endpoint.host,
              port: port(endpoint),
              ...(external === true ? { externalLoadBalancer: true } : {}),
            },
          }
        : {}),
      ...(podSubnets ? { podSubnets } : {}),
      ...(serviceSubnets ? { serviceSubnets } : {}),
    },
    ...(credentialsRef ? { credentialsRef } : {}),
  };
}
