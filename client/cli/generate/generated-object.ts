import type { z } from 'zod';
import type { ClusterClass } from '../../../api/capi/cluster-class.ts';
import type { Cluster } from '../../../api/capi/cluster.ts';
import type { MachineDeployment } from '../../../api/capi/machine-deployment.ts';
import type { ProxmoxClusterTemplate } from '../../../api/capi/proxmox-cluster-template.ts';
import type { ProxmoxCluster } from '../../../api/capi/proxmox-cluster.ts';
import type { ProxmoxMachineTemplate } from '../../../api/capi/proxmox-machine-template.ts';
import type { TalosConfigTemplate } from '../../../api/capi/talos-config-template.ts';
import type { TalosControlPlaneTemplate } from '../../../api/capi/talos-control-plane-template.ts';
import type { TalosControlPlane } from '../../../api/capi/talos-control-plane.ts';

/** One generated object: a kind's manifest as its schema takes it, with apiVersion and kind set. */
export type Manifest<S extends z.ZodType> = z.input<S> & { readonly apiVersion: string; readonly kind: string };

/** What a flavor renders: the objects of one cluster (and, for topology, its class), in the order they are applied. */
export type GeneratedObject =
  | Manifest<typeof Cluster>
  | Manifest<typeof ProxmoxCluster>
  | Manifest<typeof ProxmoxMachineTemplate>
  | Manifest<typeof TalosControlPlane>
  | Manifest<typeof TalosConfigTemplate>
  | Manifest<typeof MachineDeployment>
  | Manifest<typeof ClusterClass>
  | Manifest<typeof ProxmoxClusterTemplate>
  | Manifest<typeof TalosControlPlaneTemplate>;
