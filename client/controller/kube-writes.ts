import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { Watched, type WatchedKindName } from './kinds.ts';
import type { RawObject } from './raw-object.ts';

/**
 * Everything the controller writes to (or reads past the caches from) the management cluster:
 * status and finalizers of the objects users write, nothing else (Events go through the recorder).
 */
export interface KubeWrites {
  /** Server-side apply of a status, under the controller's field manager, forced: the controller owns status. An object gone meanwhile needs none. */
  applyStatus(kind: WatchedKindName, namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
  /**
   * Replaces the finalizer list, only if the object is still at the resourceVersion the list was
   * read from (a stale cache gets 409 and a retry). Undefined when the object is gone.
   */
  setFinalizers(kind: WatchedKindName, object: RawObject, finalizers: readonly string[]): Promise<RawObject | undefined>;
  /** A ConfigMap (a cluster's version catalog), or undefined when there is none. */
  readConfigMap(namespace: string, name: string): Promise<unknown>;
}

/** KubeWrites over a kubeconfig, as field manager `fieldManager`. */
export function createKubeWrites(kubeConfig: KubeConfig, fieldManager: string): KubeWrites {
  const objects = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const resource = (kind: WatchedKindName) => {
    const { group, version, plural } = Watched[kind];
    return { group, version, plural };
  };
  const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  const notFound = (error: unknown): boolean => error instanceof ApiException && error.code === 404;
  return {
    async applyStatus(kind, namespace, name, status) {
      const { apiVersion } = Watched[kind];
      try {
        await objects.patchNamespacedCustomObjectStatus(
          {
            ...resource(kind),
            namespace,
            name,
            body: { apiVersion, kind: Watched[kind].kind, metadata: { name, namespace }, status },
            fieldManager,
            force: true,
          },
          apply,
        );
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    },
    async setFinalizers(kind, object, finalizers) {
      const { namespace = '', name = '', resourceVersion } = object.metadata ?? {};
      // A merge patch carrying resourceVersion is a precondition.
      try {
        return (await objects.patchNamespacedCustomObject(
          {
            ...resource(kind),
            namespace,
            name,
            body: { metadata: { finalizers: finalizers.length > 0 ? finalizers : null, resourceVersion } },
            fieldManager,
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        )) as RawObject;
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    async readConfigMap(namespace, name) {
      try {
        // Only what the mapping reads, as plain JSON (client-node's model carries Dates in metadata).
        const configMap = await core.readNamespacedConfigMap({ namespace, name });
        return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: configMap.data ?? {} };
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
  };
}
