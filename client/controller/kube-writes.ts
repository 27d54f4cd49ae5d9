import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { ClusterKinds, type ClusterKindName, type WatchedKindName } from './kinds.ts';
import type { OwnerReference, RawObject } from './raw-object.ts';

/**
 * Everything the controller writes to (or reads past the caches from) the management cluster:
 * status, finalizers and owner references of the objects users write, and the deletes that finish
 * a Cluster's delete (Events go through the recorder).
 */
export interface KubeWrites {
  /** Server-side apply of a status, under the controller's field manager, forced: the controller owns status. An object gone meanwhile needs none. */
  applyStatus(kind: WatchedKindName, namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
  /**
   * Replaces the finalizer list, only if the object is still at the resourceVersion the list was
   * read from (a stale cache gets 409 and a retry). Undefined when the object is gone.
   */
  setFinalizers(kind: ClusterKindName, object: RawObject, finalizers: readonly string[]): Promise<RawObject | undefined>;
  /**
   * Server-side applies one owner reference under the controller's field manager. The list is
   * keyed by uid, so references others wrote stay; the one the controller wrote before (a Cluster
   * deleted and made again) is replaced. An object gone meanwhile needs none.
   */
  applyOwnerReference(kind: WatchedKindName, object: RawObject, owner: OwnerReference): Promise<void>;
  /**
   * Server-side applies a whole object generated from a ClusterClass, forced, under the topology's
   * own field manager (as CAPI's topology controller owns what it generates).
   */
  applyGenerated(kind: ClusterKindName, object: RawObject & Record<string, unknown>): Promise<void>;
  /** Server-side applies the Cluster's references to the objects generated for its topology. */
  applyClusterRefs(
    namespace: string,
    name: string,
    refs: { readonly controlPlaneRef: unknown; readonly infrastructureRef: unknown },
  ): Promise<void>;
  /** The objects of a kind in a namespace that match a label selector, read from the API server. */
  list(kind: ClusterKindName, namespace: string, labelSelector: string): Promise<RawObject[]>;
  /** Deletes this very object (a uid precondition spares a newer one of the same name); gone already is fine. */
  remove(kind: ClusterKindName, object: RawObject): Promise<void>;
  /** A ConfigMap (a cluster's version catalog), or undefined when there is none. */
  readConfigMap(namespace: string, name: string): Promise<unknown>;
}

/** The field manager of the objects generated from ClusterClasses (CAPI's topology controller uses its own too). */
export const topologyFieldManager = 'capstan-topology';

/** KubeWrites over a kubeconfig, as field manager `fieldManager`. */
export function createKubeWrites(kubeConfig: KubeConfig, fieldManager: string): KubeWrites {
  const objects = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const resource = (kind: ClusterKindName) => {
    const { group, version, plural } = ClusterKinds[kind];
    return { group, version, plural };
  };
  const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  const notFound = (error: unknown): boolean => error instanceof ApiException && error.code === 404;
  // Server-side apply of some fields, forced under the controller's field manager; an object gone meanwhile needs none.
  const applyFields = async (
    kind: ClusterKindName,
    namespace: string,
    name: string,
    fields: {
      readonly status?: Record<string, unknown>;
      readonly metadata?: Record<string, unknown>;
      readonly spec?: Record<string, unknown>;
    },
  ): Promise<void> => {
    const { apiVersion } = ClusterKinds[kind];
    const request = {
      ...resource(kind),
      namespace,
      name,
      body: { apiVersion, kind: ClusterKinds[kind].kind, ...fields, metadata: { name, namespace, ...fields.metadata } },
      fieldManager,
      force: true,
    };
    try {
      await (fields.status === undefined
        ? objects.patchNamespacedCustomObject(request, apply)
        : objects.patchNamespacedCustomObjectStatus(request, apply));
    } catch (error) {
      if (!notFound(error)) throw error;
    }
  };
  return {
    applyStatus: (kind, namespace, name, status) => applyFields(kind, namespace, name, { status }),
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
    async applyGenerated(kind, object) {
      const { namespace = '', name = '' } = object.metadata ?? {};
      await objects.patchNamespacedCustomObject(
        { ...resource(kind), namespace, name, body: object, fieldManager: topologyFieldManager, force: true },
        apply,
      );
    },
    applyClusterRefs: (namespace, name, refs) => applyFields('Cluster', namespace, name, { spec: { ...refs } }),
    applyOwnerReference: (kind, object, owner) =>
      applyFields(kind, object.metadata?.namespace ?? '', object.metadata?.name ?? '', { metadata: { ownerReferences: [owner] } }),
    async list(kind, namespace, labelSelector) {
      const list = (await objects.listNamespacedCustomObject({ ...resource(kind), namespace, labelSelector })) as { items: RawObject[] };
      return list.items;
    },
    async remove(kind, object) {
      const { namespace = '', name = '', uid } = object.metadata ?? {};
      try {
        await objects.deleteNamespacedCustomObject({
          ...resource(kind),
          namespace,
          name,
          ...(uid ? { body: { preconditions: { uid } } } : {}),
        });
      } catch (error) {
        // 409: the uid precondition failed, so the object of that name is a newer one, not this.
        if (!notFound(error) && !(error instanceof ApiException && error.code === 409)) throw error;
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
