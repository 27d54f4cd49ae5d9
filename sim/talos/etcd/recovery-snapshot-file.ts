// Where the simulator keeps what EtcdRecover uploads to a node: Talos' /var/lib/etcd.snapshot,
// which lives on the EPHEMERAL partition and so goes when that is wiped or the VM is destroyed.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TalosContext } from '../core/context.ts';
import type { SimNode } from '../core/state.ts';

/** The simulator's file for a node's /var/lib/etcd.snapshot. */
export function recoverySnapshotFile(ctx: TalosContext, node: SimNode): string {
  return join(ctx.dataDir, 'nodes', String(node.vmid), 'etcd.snapshot');
}

/** The node's EPHEMERAL partition is wiped (or its VM destroyed): an uploaded snapshot goes with it. */
export function dropRecoverySnapshot(ctx: TalosContext, node: SimNode): void {
  rmSync(recoverySnapshotFile(ctx, node), { force: true });
}
