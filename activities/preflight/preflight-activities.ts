import type { PreflightInput, PreflightProblem } from '../../api/preflight.ts';
import { checkPlacement } from '../proxmox/placement-preflight.ts';
import type { ProxmoxClient } from '../proxmox/proxmox-client.ts';
import { patchProblems } from '../talos/patches-preflight.ts';

/** The checks an operation passes before it builds anything; every problem is returned at once. */
export function createPreflightActivities(deps: { readonly proxmox: ProxmoxClient }) {
  return {
    /** Patches render on every group; when the operation clones VMs, templates, nodes and sizes fit Proxmox. */
    clusterPreflight: async (input: PreflightInput): Promise<{ readonly problems: readonly PreflightProblem[] }> => {
      const [patches, placement] = await Promise.all([
        patchProblems(input.groups),
        input.groups.some((g) => g.clones) ? checkPlacement(deps.proxmox, input) : Promise.resolve([]),
      ]);
      return { problems: [...placement, ...patches] };
    },
  };
}
