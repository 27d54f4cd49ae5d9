// What the simulator knows of each machine's kubelet: whether it runs and posts status, what it
// registers (name, --provider-id) and what it reports in nodeInfo (versions, the VM's SMBIOS uuid
// as /sys/class/dmi/id/product_uuid, a boot id that changes with every boot).
import { createHash } from 'node:crypto';
import type { V1Node } from '@kubernetes/client-node';
import { clusterOf } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import { hostnameOf } from '../core/state.ts';
import type { SimCluster, SimNode } from '../core/state.ts';
import { servicesReady } from '../node/lifecycle.ts';

/** The kubelet of one machine of the cluster, as the simulator sees it. */
export interface KubeletView {
  readonly name: string;
  readonly vmid: number;
  readonly address: string;
  readonly controlPlane: boolean;
  readonly kubeletVersion: string;
  readonly talosVersion: string;
  /** The kubelet runs and posts node status. */
  readonly up: boolean;
  /** It stopped because the node shut down gracefully (it posted NotReady first). */
  readonly shuttingDown: boolean;
  /** While it does not post: when it stopped (its last heartbeat), if it ever posted in this simulator's life. */
  readonly silentSince?: number;
  /** It registered (or found) its Node in this run; a running kubelet never registers again. */
  readonly registered: boolean;
  /** When it reports Ready (after `nodeReady`). */
  readonly readyAt: number;
  readonly taintControlPlane: boolean;
  /** `--provider-id`, set on the Node when the kubelet registers it. */
  readonly providerId?: string;
  /** /sys/class/dmi/id/product_uuid: the VM's smbios1 uuid. */
  readonly systemUuid?: string;
  /** /proc/sys/kernel/random/boot_id: new with every boot. */
  readonly bootId: string;
}

/** Marks Nodes the simulator owns, so Nodes a test adds by hand are left alone. */
export const managedAnnotation = 'sim.capstan.dev/vmid';
const defaultKubelet = 'v1.34.1';

// A boot id in the kernel's uuid format, stable for one boot of one VM.
function bootIdOf(node: SimNode): string {
  const h = createHash('sha256')
    .update(`${node.vmid}:${node.epoch}:${node.upAt ?? 0}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Views of every configured machine of the cluster. */
export function kubeletViews(ctx: TalosContext, cluster: SimCluster): KubeletView[] {
  return [...ctx.nodes.values()]
    .filter((node) => node.config !== undefined && clusterOf(ctx, node) === cluster)
    .map((node) => {
      const failing = ctx.faults.kubeletFailing(node.address);
      const providerId = node.config?.kubeletProviderId;
      return {
        name: hostnameOf(node),
        vmid: node.vmid,
        address: node.address,
        controlPlane: node.config?.machineType === 'controlplane',
        kubeletVersion: node.config?.kubernetesVersion ?? defaultKubelet,
        talosVersion: node.talosVersion,
        up: servicesReady(node) && !failing,
        shuttingDown: node.shuttingDown === true && !failing,
        ...(node.kubeletStoppedAt === undefined ? {} : { silentSince: node.kubeletStoppedAt }),
        registered: node.kubeletRegisteredEpoch === node.epoch,
        readyAt: (node.servicesReadyAt ?? 0) + ctx.ms('nodeReady') * ctx.faults.bootFactor(node.address),
        taintControlPlane: node.config?.machineType === 'controlplane' && !node.config.allowSchedulingOnControlPlanes,
        ...(providerId === undefined ? {} : { providerId }),
        ...(node.systemUuid === undefined ? {} : { systemUuid: node.systemUuid }),
        bootId: bootIdOf(node),
      };
    });
}

/** The nodeInfo a kubelet posts. */
export function nodeInfo(view: KubeletView): NonNullable<NonNullable<V1Node['status']>['nodeInfo']> {
  return {
    architecture: 'amd64',
    bootID: view.bootId,
    containerRuntimeVersion: 'containerd://2.1.4',
    kernelVersion: '6.12.48-talos',
    kubeProxyVersion: view.kubeletVersion,
    kubeletVersion: view.kubeletVersion,
    machineID: `sim-${view.vmid}`,
    operatingSystem: 'linux',
    osImage: `Talos (${view.talosVersion})`,
    // Without SMBIOS data QEMU still makes one up; the VM id keeps it recognisable.
    systemUUID: view.systemUuid ?? `sim-${view.vmid}`,
  };
}
