import { addressesNeeded } from '../../../api/addresses-needed.ts';
import { formatIpv4, networkOf, parseIpv4 } from '../../../api/ipv4.ts';
import { poolAddresses } from '../../../api/ipv4-pool.ts';

/** The MachineDeployment every generated cluster gets, named as clusterctl templates name theirs. */
export const workerDeploymentSuffix = '-md-0';

/** The well-formed values the network checks read. */
export interface NetworkValues {
  readonly name: string;
  readonly controlPlaneMachineCount: number;
  readonly workerMachineCount: number;
  readonly controlPlaneEndpointIp: string;
  readonly controlPlaneEndpointPort: number;
  readonly externalLoadBalancer: boolean;
  readonly nodeIpRanges: readonly string[];
  readonly gateway: string;
  readonly ipPrefix: number;
}

/** A value that is well-formed but does not fit the others, and the option it is in. */
export interface NetworkProblem {
  readonly key: keyof NetworkValues;
  readonly message: string;
}

/**
 * What the mapping would refuse, or the allocator find out at the first machine, said of the flag
 * that causes it: the ranges must lie in the gateway's subnet and hold every machine plus a
 * rollout's surge; the endpoint is a Talos VIP, so it must be another free address of that subnet.
 * The ranges exclude the endpoint outright (the mapping only counts it): clusterctl users give the
 * VIP outside NODE_IP_RANGES, and an address in both is a typing mistake more often than a plan.
 * A load balancer of the user's may be anywhere, on any port, but not on a machine's address.
 */
export function networkProblems(o: NetworkValues): NetworkProblem[] {
  const usable = poolAddresses({ addresses: [...o.nodeIpRanges], prefix: o.ipPrefix, gateway: o.gateway });
  if (!Array.isArray(usable)) return [{ key: 'nodeIpRanges', message: usable.message }];
  const gateway = parseIpv4(o.gateway);
  const endpoint = parseIpv4(o.controlPlaneEndpointIp);
  if (gateway === undefined || endpoint === undefined) throw new Error('networkProblems needs well-formed addresses');
  const problems: NetworkProblem[] = [];
  const lbHint = '; or pass --external-load-balancer when a load balancer of yours answers there';
  if (usable.includes(endpoint))
    problems.push({
      key: 'controlPlaneEndpointIp',
      message: 'must be outside --node-ip-ranges: a machine given that address would clash with the endpoint',
    });
  // A load balancer is the user's to place; a VIP must be another address of the machines' subnet.
  else if (!o.externalLoadBalancer) {
    const subnet = `${formatIpv4(networkOf(gateway, o.ipPrefix))}/${o.ipPrefix}`;
    if (networkOf(endpoint, o.ipPrefix) !== networkOf(gateway, o.ipPrefix))
      problems.push({
        key: 'controlPlaneEndpointIp',
        message: `must be in the machines' subnet ${subnet}: the control planes announce it as a Talos VIP${lbHint}`,
      });
    else if (endpoint === gateway)
      problems.push({ key: 'controlPlaneEndpointIp', message: 'must not be the gateway: the control planes announce it as their VIP' });
  }
  if (!o.externalLoadBalancer && o.controlPlaneEndpointPort !== 6443)
    problems.push({
      key: 'controlPlaneEndpointPort',
      message: `must be 6443 with a Talos VIP: the VIP reaches kube-apiserver on the port it listens on${lbHint}`,
    });
  const needed = addressesNeeded({
    controlPlane: { replicas: o.controlPlaneMachineCount, strategy: { type: 'InPlace' } },
    deployments: [{ name: `${o.name}${workerDeploymentSuffix}`, replicas: o.workerMachineCount }],
    endpointFromPool: false,
  });
  if (usable.length < needed.total)
    problems.push({
      key: 'nodeIpRanges',
      message: `hold ${usable.length} usable address${usable.length === 1 ? '' : 'es'}, but the cluster needs ${needed.total} (${needed.parts.join(', ')})`,
    });
  return problems;
}
