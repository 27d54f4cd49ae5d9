// Legacy MachineService.Upgrade: validate the image and (on control planes, unless forced) the
// etcd health gate, acknowledge, then reboot into the new version — or roll back, or never
// come back, when a fault says so.
import { clusterField, clusterOf } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import { rpcError } from '../core/rpc-error.ts';
import { hostnameOf } from '../core/state.ts';
import type { SimNode } from '../core/state.ts';
import { versionOfImage } from '../config/image-tag.ts';
import { etcdClusterOfNode, hasQuorum, hexId, memberReachable, primaryEtcd } from '../etcd/etcd-view.ts';
import { rebootNode } from './lifecycle.ts';

/** What the handler gets from UpgradeRequest. */
export interface UpgradeRequest {
  readonly image: string;
  readonly stage: boolean;
  readonly force: boolean;
}

function record(
  ctx: TalosContext,
  node: SimNode,
  type: 'upgrade.started' | 'upgrade.finished' | 'upgrade.rolled-back',
  detail: Record<string, string | boolean>,
): void {
  ctx.events.append({ type, vmid: node.vmid, address: node.address, hostname: hostnameOf(node), ...clusterField(ctx, node), detail });
}

// Talos' etcd ValidateForUpgrade, run under the upgrade lock.
function validateEtcd(ctx: TalosContext, node: SimNode): void {
  const ec = etcdClusterOfNode(ctx, node) ?? primaryEtcd(clusterOf(ctx, node));
  if (ec === undefined) return; // etcd not running anywhere yet: nothing to protect
  if (!hasQuorum(ctx, ec)) throw rpcError.unavailable('failed to acquire upgrade mutex: etcdserver: no leader');
  const prefix = 'error validating etcd for upgrade: ';
  if (ec.members.length === 2)
    throw rpcError.failedPrecondition(`${prefix}etcd member count(2) is insufficient to maintain quorum if upgrade commences`);
  const sick = ec.members.find((m) => !memberReachable(ctx, ec, m));
  if (sick !== undefined) {
    throw rpcError.failedPrecondition(
      `${prefix}etcd member ${hexId(sick.id)} is not healthy; all members must be healthy to perform an upgrade: context deadline exceeded`,
    );
  }
}

/** Reboots into `image`'s version (the outcome decided by faults when the node comes back). */
export function performUpgrade(ctx: TalosContext, node: SimNode, image: string, actorId: string, announce = true): void {
  const from = node.talosVersion;
  const to = versionOfImage(image) ?? from;
  if (announce) record(ctx, node, 'upgrade.started', { from, to, image, actorId });
  delete node.staged.upgradeImage;
  rebootNode(ctx, node, 'upgrade', 'upgrade', () => {
    if (ctx.faults.takeUpgradeFailure(node.address)) {
      record(ctx, node, 'upgrade.rolled-back', { from, to, image, actorId });
      return;
    }
    node.talosVersion = to;
    record(ctx, node, 'upgrade.finished', { from, to, image, actorId });
  });
}

/** Handles Upgrade; returns the actor id the reply carries. */
export function upgradeNode(ctx: TalosContext, node: SimNode, request: UpgradeRequest): string {
  if (versionOfImage(request.image) === undefined) {
    throw rpcError.unknown(
      `error validating installer image ${JSON.stringify(request.image)}: failed to resolve a Talos version from the image tag`,
    );
  }
  if (node.config?.machineType === 'controlplane' && !request.force) validateEtcd(ctx, node);
  const actorId = ctx.random.uuid();
  if (request.stage) {
    node.staged.upgradeImage = request.image;
    record(ctx, node, 'upgrade.started', {
      from: node.talosVersion,
      to: versionOfImage(request.image) ?? '',
      image: request.image,
      actorId,
      staged: true,
    });
    return actorId;
  }
  performUpgrade(ctx, node, request.image, actorId);
  return actorId;
}
