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
 */
export function networkProblems(o: NetworkValues): NetworkProblem[] {
  const usable = poolAddresses({ addresses: [...o.nodeIpRanges], prefix: o.ipPrefix, gateway: o.gateway });
  if (!Array.isArray(usable)) return [{ key: 'nodeIpRanges', message: usable.message }];
  const gateway = parseIpv4(o.gateway);
  const endpoint = parseIpv4(o.controlPlaneEndpointIp);
  if (gateway === undefined || endpoint === undefined) throw new Error('networkProblems needs well-formed addresses');
  const problems: NetworkProblem[] = [];
  const subnet = `${formatIpv4(networkOf(gateway, o.ipPrefix))}/${o.ipPrefix}`;
  if (networkOf(endpoint, o.ipPrefix) !== networkOf(gateway, o.ipPrefix))
    problems.push({
      key: 'controlPlaneEndpointIp',
      message: `must be in the machines' subnet ${subnet}: the control planes announce it as a Talos VIP`,
    });
  else if (endpoint === gateway)
    problems.push({ key: 'controlPlaneEndpointIp', message: 'must not be the gateway: the control planes announce it as their VIP' });
  else if (usable.includes(endpoint))
    problems.push({
      key: 'controlPlaneEndpointIp',
      message: 'must be outside --node-ip-ranges: a machine given that address would clash with the VIP',
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
