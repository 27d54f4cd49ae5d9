import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../api/errors.ts';
import type { PreflightInput, PreflightProblem } from '../../api/preflight.ts';
import { checkPlacement } from '../proxmox/placement-preflight.ts';
import type { ProxmoxClients } from '../proxmox/proxmox-clients.ts';
import { patchProblems } from '../talos/patches-preflight.ts';

/** The checks an operation passes before it builds anything; every problem is returned at once. */
export function createPreflightActivities(deps: { readonly proxmox: ProxmoxClients }) {
  return {
    /**
     * Patches render on every group; when the operation clones VMs, the cluster's Proxmox
     * credentials are usable and templates, nodes and sizes fit Proxmox.
     */
    clusterPreflight: async (input: PreflightInput): Promise<{ readonly problems: readonly PreflightProblem[] }> => {
      const [patches, placement] = await Promise.all([
        patchProblems(input.groups),
        input.groups.some((g) => g.clones) ? placementOnItsProxmox(deps.proxmox, input) : Promise.resolve([]),
      ]);
      return { problems: [...placement, ...patches] };
    },
  };
}

// An unusable credentials Secret is a problem of the spec, listed with the others.
async function placementOnItsProxmox(clients: ProxmoxClients, input: PreflightInput): Promise<PreflightProblem[]> {
  try {
    return await checkPlacement(await clients.forCluster(input.credentials), input);
  } catch (error) {
    if (!(error instanceof ApplicationFailure) || error.type !== ErrorType.ProxmoxCredentialsInvalid) throw error;
    return [{ object: input.proxmoxObject, field: 'spec.credentialsRef', message: error.message }];
  }
}
