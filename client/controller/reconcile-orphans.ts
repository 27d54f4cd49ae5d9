import { parseClusterKey } from '../../api/cluster-ref.ts';
import { claimsOf, type ClusterClaim } from './cluster-claims.ts';
import { EventReason } from './events/event-spec.ts';
import { isDeleting } from './finalizers.ts';
import type { RawObject } from './raw-object.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';
import { writeStatus } from './reconcile-status.ts';
import { orphanMessage, orphanStatus } from './status/orphan-status.ts';
import type { HandlerResult } from './work-queue.ts';

/** The kinds that name a cluster by themselves (cluster-claims.ts), so can name one that does not exist. */
const orphanKinds = ['MachineDeployment', 'TalosControlPlane', 'ProxmoxCluster'] as const;

/**
 * The path of a cluster key whose Cluster does not exist: every object that names it gets
 * Ready=False ReferenceNotFound saying so and what to fix, and one Warning Event, told once until
 * the message changes. Objects still arriving (a file applied with the Cluster last) are given the
 * same quiet moment a new cluster's first start waits for, so the Cluster is not reported missing
 * while it is on its way. The Cluster's own reconcile writes these objects' status once it exists.
 */
export async function reconcileOrphans(key: string, deps: ReconcileDeps): Promise<HandlerResult | undefined> {
  const { namespace, name } = parseClusterKey(key);
  const orphans = orphanKinds.flatMap((kind) =>
    deps.informers
      .list(kind, namespace)
      .filter((object) => !isDeleting(object))
      .flatMap((object) => {
        const claim = claimsOf(kind, object).find((c) => c.cluster === name);
        return claim ? [{ kind, object, claim }] : [];
      }),
  );
  if (orphans.length === 0) {
    deps.records.forgetOrphanNotices(key);
    return undefined;
  }
  const quietFor = deps.sinceLastChangeMs(key);
  if (quietFor < deps.startSettleMs) return { requeueAfterMs: deps.startSettleMs - quietFor };

  const told = deps.records.orphanNotices(key);
  const current = new Set<string>();
  const now = deps.now().toISOString();
  for (const { kind, object, claim } of orphans) {
    const message = orphanMessage(kind, namespace, name, claim.source);
    const notice = noticeOf(kind, object, claim, message);
    current.add(notice);
    await writeStatus(deps, kind, object, orphanStatus(message), now);
    if (told.has(notice)) continue;
    told.add(notice);
    await deps.events.record(object, { type: 'Warning', reason: EventReason.ReferenceNotFound, message });
  }
  for (const notice of told) if (!current.has(notice)) told.delete(notice);
  return undefined;
}

function noticeOf(kind: string, object: RawObject, claim: ClusterClaim, message: string): string {
  return [kind, object.metadata?.uid ?? object.metadata?.name ?? '', claim.source, message].join('\n');
}
