import { boundedName } from '../api/bounded-name.ts';
import type { ClusterPlan } from '../api/cluster-plan.ts';
import type { DesiredCluster, GroupSources } from '../api/desired-cluster.ts';
import { formatIpv4 } from '../api/ipv4.ts';
import { poolAddresses } from '../api/ipv4-pool.ts';
import type { PreflightGroup, PreflightInput } from '../api/preflight.ts';
import { proxmoxCredentialsOf } from '../api/proxmox-credentials.ts';
import type { MachineToCreate } from '../api/machine-operations.ts';
import { createMachineInput, machineConfig } from './machine-spec.ts';

/** Placeholder when the pool cannot be read (the mapping already refuses such pools). */
const documentationAddress = '192.0.2.10';

/** Which groups an operation clones VMs for: `all`, the control plane, or one MachineDeployment. */
type Cloning = 'all' | 'none' | 'control-plane' | { readonly deployment: string };

/**
 * What to check before a planned operation, or nothing for one that builds nothing (delete, repair).
 * Every group's patches are rendered (a spec that cannot render is wrong whatever runs next);
 * templates, nodes and sizes are checked for the groups it clones VMs for.
 */
export function preflightFor(
  desired: DesiredCluster,
  plan: Extract<ClusterPlan, { ok: true }>,
  endpointIp?: string,
): PreflightInput | undefined {
  const cloning = cloningOf(plan);
  return cloning === undefined ? undefined : preflightInput(desired, cloning, endpointIp);
}

function cloningOf(plan: Extract<ClusterPlan, { ok: true }>): Cloning | undefined {
  switch (plan.operation) {
    case 'none':
    case 'delete':
    case 'repair':
      return undefined;
    case 'provision':
      return 'all';
    case 'upgrade':
      return 'none'; // new versions on the machines there are; replacements clone what built them
    case 'scale-control-plane':
      return plan.to > plan.from ? 'control-plane' : 'none';
    case 'rollout-control-plane':
      return 'control-plane';
    case 'scale-machine-deployment':
      return plan.create > 0 ? { deployment: plan.deployment } : 'none';
    case 'rollout-machine-deployment':
      return { deployment: plan.deployment };
  }
}

/**
 * One sample machine per group (the control plane and every MachineDeployment), rendered as a real
 * one would be, and the objects to name for each. Pure, so the workflow builds it deterministically;
 * the activity does the looking.
 */
export function preflightInput(desired: DesiredCluster, cloning: Cloning, endpointIp?: string): PreflightInput {
  const { namespace } = desired;
  const sampleIp = firstPoolAddress(desired);
  const endpoint = endpointIp ?? desired.network.controlPlaneEndpoint?.host ?? sampleIp;
  const address = {
    ip: sampleIp,
    prefix: desired.network.ipv4Pool.prefix,
    ...(desired.network.ipv4Pool.gateway ? { gateway: desired.network.ipv4Pool.gateway } : {}),
    dns: desired.network.ipv4Pool.dnsServers,
  };
  const group = (machine: MachineToCreate, sources: GroupSources | undefined, kind: string, patchesPath: string) => {
    const input = createMachineInput(desired, machine, endpoint);
    const named = (what: string, name: string | undefined): string =>
      name ? `${what} ${namespace}/${name}` : `the ${what} of ${machine.name}`;
    const result: PreflightGroup = {
      templateObject: named('ProxmoxMachineTemplate', sources?.template),
      configObject: named(kind, sources?.config),
      patchesPath,
      vm: { templateVmid: input.vm.templateVmid, cores: input.vm.cores, sockets: input.vm.sockets ?? 1, memoryMiB: input.vm.memoryMiB },
      config: machineConfig(input.config, machine.name, address, undefined),
      clones:
        cloning === 'all' ||
        (cloning === 'control-plane'
          ? machine.role === 'control-plane'
          : typeof cloning === 'object' && cloning.deployment === machine.deployment),
    };
    return result;
  };
  const sample = (suffix: string): string => boundedName(desired.name, `-${suffix}-preflight`);
  const credentials = proxmoxCredentialsOf(desired);
  return {
    proxmoxObject: `ProxmoxCluster ${namespace}/${desired.proxmox.source ?? desired.network.poolName}`,
    ...(credentials ? { credentials } : {}),
    allowedNodes: desired.proxmox.allowedNodes,
    groups: [
      group(
        { name: sample('cp'), role: 'control-plane', bootstrap: false },
        desired.controlPlane.sources,
        'TalosControlPlane',
        'spec.controlPlaneConfig.controlplane',
      ),
      ...desired.machineDeployments.map((md) =>
        group(
          { name: sample(md.name), role: 'worker', deployment: md.name, bootstrap: false },
          md.sources,
          'TalosConfigTemplate',
          'spec.template.spec',
        ),
      ),
    ],
  };
}

function firstPoolAddress(desired: DesiredCluster): string {
  const addresses = poolAddresses(desired.network.ipv4Pool);
  const first = Array.isArray(addresses) ? addresses[0] : undefined;
  return first === undefined ? documentationAddress : formatIpv4(first);
}
