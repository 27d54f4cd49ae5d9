// Who answers at the control-plane endpoint: Talos' shared IP on the control planes (the default,
// as Talos users on Proxmox configure it), or a load balancer the user declares. A VIP only
// works inside the machines' layer-2 subnet and on the port kube-apiserver listens on, so those
// are checked here, where the field can still be named, rather than by a cluster that never answers.
import { formatIpv4, networkOf, parseIpv4 } from '../../ipv4.ts';
import { poolAddresses } from '../../ipv4-pool.ts';
import type { Ipv4PoolSpec } from '../../ipam.ts';
import { controlPlaneEndpointAnnotation } from '../annotations.ts';
import type { IssueLog, ObjectKey } from './issues.ts';

/** What `capstan.dev/control-plane-endpoint` may say. */
const modes = ['talos-vip', 'external-load-balancer'] as const;
type EndpointMode = (typeof modes)[number];

/** Where the endpoint came from: its host, port, and the object and field it was written in. */
export interface EndpointSource {
  readonly host: string;
  readonly port: number;
  readonly object: ObjectKey;
}

/** One annotated object: its key and annotations. */
export interface AnnotatedObject {
  readonly key: ObjectKey;
  readonly annotations: Readonly<Record<string, string>> | undefined;
}

/** Kube-apiserver's port on every control plane: a shared IP reaches nothing else. */
const apiServerPort = 6443;

function modeOf(object: AnnotatedObject, log: IssueLog): EndpointMode | undefined {
  const value = object.annotations?.[controlPlaneEndpointAnnotation];
  if (value === undefined) return undefined;
  const mode = modes.find((m) => m === value.trim().toLowerCase());
  if (mode === undefined)
    log.errors.push({
      object: object.key,
      path: `metadata.annotations[${controlPlaneEndpointAnnotation}]`,
      message: `must be talos-vip (the control planes share the endpoint address as a Talos VIP) or external-load-balancer (a load balancer of your own answers at spec.controlPlaneEndpoint), not ${value}`,
    });
  return mode;
}

/**
 * Whether the endpoint is the user's own load balancer (true) or a Talos VIP (false), or undefined
 * when the manifests are wrong (errors logged). `endpoint` is absent when Capstan allocates it.
 */
export function externalLoadBalancerOf(
  cluster: AnnotatedObject,
  proxmox: AnnotatedObject,
  endpoint: EndpointSource | undefined,
  pool: Pick<Ipv4PoolSpec, 'addresses' | 'prefix' | 'gateway'> | undefined,
  log: IssueLog,
): boolean | undefined {
  const errorsBefore = log.errors.length;
  const fromCluster = modeOf(cluster, log);
  const fromProxmox = modeOf(proxmox, log);
  if (fromCluster !== undefined && fromProxmox !== undefined && fromCluster !== fromProxmox)
    log.errors.push({
      object: cluster.key,
      path: `metadata.annotations[${controlPlaneEndpointAnnotation}]`,
      message: `${fromCluster} differs from ProxmoxCluster ${proxmox.key.name}'s ${fromProxmox}; set it on one of them, or the same on both`,
    });
  const mode = fromProxmox ?? fromCluster ?? 'talos-vip';
  const annotated = fromProxmox !== undefined ? proxmox : cluster;
  if (mode === 'external-load-balancer') {
    if (endpoint === undefined)
      log.errors.push({
        object: annotated.key,
        path: 'spec.controlPlaneEndpoint.host',
        message: `is required with ${controlPlaneEndpointAnnotation}: external-load-balancer: set it to your load balancer's address (Capstan allocates only a VIP from the pool)`,
      });
  } else if (endpoint !== undefined && pool !== undefined) checkSharedIp(endpoint, pool, log);
  return log.errors.length > errorsBefore ? undefined : mode === 'external-load-balancer';
}

// Talos announces the VIP on the control planes' own interface: it must be one more address of
// their subnet, not the gateway, and reach kube-apiserver on its own port.
function checkSharedIp(endpoint: EndpointSource, pool: Pick<Ipv4PoolSpec, 'addresses' | 'prefix' | 'gateway'>, log: IssueLog): void {
  const host = parseIpv4(endpoint.host);
  const addresses = poolAddresses(pool);
  const first = Array.isArray(addresses) ? addresses[0] : undefined;
  if (host === undefined || first === undefined) return; // reported elsewhere
  const alternative = `, or declare a load balancer of your own with the annotation ${controlPlaneEndpointAnnotation}: external-load-balancer`;
  const subnet = `${formatIpv4(networkOf(first, pool.prefix))}/${pool.prefix}`;
  if (networkOf(host, pool.prefix) !== networkOf(first, pool.prefix))
    log.errors.push({
      object: endpoint.object,
      path: 'spec.controlPlaneEndpoint.host',
      message: `${endpoint.host} is not in the machines' subnet ${subnet}: the control planes announce it as a Talos VIP on their own interface; choose an unused address of ${subnet}${alternative}`,
    });
  else if (pool.gateway !== undefined && parseIpv4(pool.gateway) === host)
    log.errors.push({
      object: endpoint.object,
      path: 'spec.controlPlaneEndpoint.host',
      message: `${endpoint.host} is the gateway of ipv4Config: the control planes would announce it as their VIP; choose an unused address of ${subnet}`,
    });
  if (endpoint.port !== apiServerPort)
    log.errors.push({
      object: endpoint.object,
      path: 'spec.controlPlaneEndpoint.port',
      message: `must be ${apiServerPort} with a Talos VIP, not ${endpoint.port}: the VIP reaches kube-apiserver on the port it listens on${alternative}`,
    });
}
