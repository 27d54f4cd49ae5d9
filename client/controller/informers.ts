import {
  CustomObjectsApi,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import { restartOnError } from '../kubernetes/restart-on-error.ts';
import { Watched, watchedKindNames, type WatchedKindName } from './kinds.ts';
import type { Logger } from './logger.ts';
import type { RawObject } from './raw-object.ts';

/** What changed: the kind, the object as it is now (or was, when deleted), and how. */
export type ChangeHandler = (kind: WatchedKindName, object: RawObject, change: 'added' | 'updated' | 'deleted') => void;

/** The caches of every watched kind, kept current by list + watch. */
export interface Informers {
  /** The objects of a kind in a namespace (all namespaces when omitted). */
  list(kind: WatchedKindName, namespace?: string): readonly RawObject[];
  get(kind: WatchedKindName, namespace: string, name: string): RawObject | undefined;
  /** Whether every kind has been listed once: before that a cache may lack objects that exist. */
  synced(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface InformerOptions {
  readonly kubeConfig: KubeConfig;
  /** Watch one namespace only; all namespaces when absent. */
  readonly namespace?: string | undefined;
  readonly onChange: ChangeHandler;
  readonly logger: Logger;
}

/**
 * One list+watch informer per watched kind (client-node's ListWatch), each restarted with
 * backoff on every error: a watch that fails (an API server restart, a CRD whose watch cache is
 * still starting and answers 429) resumes from its last resourceVersion, or lists again after 410.
 */
export function createInformers(options: InformerOptions): Informers {
  const api = options.kubeConfig.makeApiClient(CustomObjectsApi);
  const entries = watchedKindNames.map((kindName) => {
    const { group, version, plural } = Watched[kindName];
    const ns = options.namespace;
    const path = ns ? `/apis/${group}/${version}/namespaces/${ns}/${plural}` : `/apis/${group}/${version}/${plural}`;
    const list = (): Promise<KubernetesListObject<KubernetesObject>> =>
      (ns
        ? api.listNamespacedCustomObject({ group, version, namespace: ns, plural })
        : api.listClusterCustomObject({ group, version, plural })) as Promise<KubernetesListObject<KubernetesObject>>;
    // Custom objects arrive as plain JSON (timestamps are strings): RawObject describes them as they are.
    const informer = makeInformer(options.kubeConfig, path, list) as Informer<KubernetesObject> &
      ObjectCache<KubernetesObject> & { latestResourceVersion(): string };
    informer.on('add', (object) => {
      options.onChange(kindName, object, 'added');
    });
    informer.on('update', (object) => {
      options.onChange(kindName, object, 'updated');
    });
    informer.on('delete', (object) => {
      options.onChange(kindName, object, 'deleted');
    });
    return { kindName, informer, stopRestarting: (): void => undefined };
  });
  const byKind = new Map(entries.map((e) => [e.kindName, e.informer]));
  const informerOf = (kind: WatchedKindName) => {
    const informer = byKind.get(kind);
    if (!informer) throw new Error(`no informer for ${kind}`);
    return informer;
  };
  return {
    list: (kind, namespace) => informerOf(kind).list(namespace),
    get: (kind, namespace, name) => informerOf(kind).get(name, namespace),
    synced: () => entries.every((e) => e.informer.latestResourceVersion() !== ''),
    async start() {
      for (const entry of entries) {
        entry.stopRestarting = restartOnError(entry.informer, {
          onError: (error) => {
            options.logger.warn(`watch of ${entry.kindName} failed, restarting: ${error instanceof Error ? error.message : String(error)}`);
          },
        });
        // A failed first list emits 'error' too, which schedules the restart: start() never throws here.
        await entry.informer.start().catch(() => undefined);
      }
    },
    async stop() {
      for (const entry of entries) {
        entry.stopRestarting();
        await entry.informer.stop();
      }
    },
  };
}
