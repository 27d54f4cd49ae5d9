// core/v1 Events on the management cluster's objects, from component `capstan`, as `kubectl
// describe` and `kubectl events` show them. A repeat within the aggregation window bumps the count
// of the Event already there instead of adding one, as client-go's recorder does.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CoreV1Api, PatchStrategy, setHeaderOptions, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import type { ClusterRef } from '../../api/cluster-ref.ts';
import { classifyKubernetesError } from '../kubernetes/kubernetes-errors.ts';
import { Kinds, type KindName, type ObjectStore } from './objects.ts';

/** One Event about one object of the cluster. */
export interface InventoryEvent {
  readonly kind: KindName;
  readonly name: string;
  readonly type: 'Normal' | 'Warning';
  /** CamelCase, e.g. `StrayVmDestroyed`, `MachineMarkedUnhealthy`. */
  readonly reason: string;
  readonly message: string;
}

/** The reporting component of every Event Capstan's activities write. */
export const eventComponent = 'capstan';

/** client-go's aggregation window: a repeat within it counts up instead of adding an Event. */
const windowMs = 10 * 60 * 1000;
/** The API server refuses longer Event messages. */
const maxMessage = 1024;

/** Writes Events with one client. */
export class EventWriter {
  private readonly core: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly store: ObjectStore,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** Records the Event (or counts a repeat); returns its name and count. */
  async record(cluster: ClusterRef, event: InventoryEvent): Promise<{ readonly name: string; readonly count: number }> {
    const { namespace } = cluster;
    const kind = Kinds[event.kind];
    const object = await this.store.get(event.kind, namespace, event.name);
    const uid = object?.metadata.uid;
    const message = event.message.length > maxMessage ? `${event.message.slice(0, maxMessage - 1)}…` : event.message;
    const now = new Date();
    const doing = `recording Event ${event.reason} on ${kind.kind} ${namespace}/${event.name}`;
    try {
      const fieldSelector = `involvedObject.kind=${kind.kind},involvedObject.name=${event.name},reason=${event.reason}`;
      const existing = (await this.core.listNamespacedEvent({ namespace, fieldSelector })).items.find(
        (e) =>
          (e.reportingComponent === eventComponent || e.source?.component === eventComponent) &&
          e.type === event.type &&
          (uid === undefined || e.involvedObject.uid === undefined || e.involvedObject.uid === uid) &&
          now.getTime() - timeOf(e) < windowMs,
      );
      if (existing?.metadata.name) {
        const count = (existing.count ?? 1) + 1;
        await this.core.patchNamespacedEvent(
          { namespace, name: existing.metadata.name, body: { count, lastTimestamp: now.toISOString(), message } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        return { name: existing.metadata.name, count };
      }
      const name = `${event.name}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`;
      const body: CoreV1Event = {
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: kind.apiVersion,
          kind: kind.kind,
          name: event.name,
          namespace,
          ...(uid === undefined ? {} : { uid }),
          ...(object?.metadata.resourceVersion === undefined ? {} : { resourceVersion: object.metadata.resourceVersion }),
        },
        type: event.type,
        reason: event.reason,
        message,
        source: { component: eventComponent },
        reportingComponent: eventComponent,
        reportingInstance: hostname(),
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      await this.core.createNamespacedEvent({ namespace, body });
      return { name, count: 1 };
    } catch (error) {
      throw classifyKubernetesError(error, doing);
    }
  }
}

function timeOf(event: CoreV1Event): number {
  const at = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return at === undefined ? 0 : new Date(at).getTime();
}
