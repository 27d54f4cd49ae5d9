import { randomBytes } from 'node:crypto';
import { CoreV1Api, PatchStrategy, setHeaderOptions, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../logger.ts';
import type { RawObject } from '../raw-object.ts';
import { clip } from '../status/conditions.ts';
import type { EventSpec } from './event-spec.ts';

/** Records Events on objects; never fails a reconcile (an Event is news, not state). */
export interface EventRecorder {
  record(object: RawObject, event: EventSpec): Promise<void>;
}

/** How many distinct Events are remembered to count repeats; older ones start a new Event. */
const remembered = 500;

/**
 * core/v1 Events, as `kubectl describe` and `kubectl events` show them, from component
 * `capstan-controller`. A repeat of the same Event on the same object raises its count and
 * lastTimestamp instead of adding another, as client-go's recorder does.
 */
export function createEventRecorder(
  kubeConfig: KubeConfig,
  options: { readonly component: string; readonly instance: string; readonly logger: Logger },
): EventRecorder {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const seen = new Map<string, { name: string; count: number }>();
  return {
    async record(object, event) {
      const { namespace, name, uid } = object.metadata ?? {};
      if (!namespace || !name) return;
      const message = clip(event.message);
      const key = [uid ?? name, event.type, event.reason, message].join('\n');
      const now = new Date();
      try {
        const repeat = seen.get(key);
        if (repeat) {
          repeat.count += 1;
          seen.delete(key);
          seen.set(key, repeat);
          await api.patchNamespacedEvent(
            { namespace, name: repeat.name, body: { count: repeat.count, lastTimestamp: now.toISOString() } },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
          return;
        }
        const eventName = `${name}.${Date.now().toString(16)}${randomBytes(3).toString('hex')}`;
        const body: CoreV1Event = {
          metadata: { name: eventName, namespace },
          involvedObject: {
            ...(object.apiVersion ? { apiVersion: object.apiVersion } : {}),
            ...(object.kind ? { kind: object.kind } : {}),
            name,
            namespace,
            ...(uid ? { uid } : {}),
            ...(object.metadata?.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
          },
          type: event.type,
          reason: event.reason,
          message,
          source: { component: options.component },
          reportingComponent: options.component,
          reportingInstance: options.instance,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        };
        await api.createNamespacedEvent({ namespace, body });
        seen.set(key, { name: eventName, count: 1 });
        if (seen.size > remembered) seen.delete(seen.keys().next().value ?? '');
      } catch (error) {
        seen.delete(key);
        options.logger.warn(
          `could not record Event ${event.reason} on ${object.kind ?? ''} ${namespace}/${name}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
  };
}
