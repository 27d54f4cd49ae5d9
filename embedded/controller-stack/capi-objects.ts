// A user's view of the management cluster: apply manifests as `kubectl apply --server-side`
// does, read, patch and delete the CAPI objects, and read Events and Secrets.
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { Condition } from '../../api/capi/conditions.ts';
import { ClusterKinds } from '../../client/controller/kinds.ts';
import type { Manifest } from '../manifest.ts';

/** The kinds a user reaches: those the controller watches, plus the inventory the cluster workflow writes. */
export const CapiKinds = ClusterKinds;
export type CapiKindName = keyof typeof CapiKinds;

/** A stored object, as JSON. */
export type StoredObject = Record<string, unknown> & {
  metadata: {
    name: string;
    uid: string;
    generation?: number;
    finalizers?: string[];
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    ownerReferences?: { uid: string }[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Condition[] };
};

/** The objects of a management cluster, as `kubectl` reaches them. */
export interface CapiObjects {
  /** Server-side applies manifests into a namespace (created if needed), in order. */
  apply(namespace: string, documents: readonly Manifest[]): Promise<void>;
  get(kind: CapiKindName, namespace: string, name: string): Promise<StoredObject | undefined>;
  list(kind: CapiKindName, namespace: string): Promise<StoredObject[]>;
  /** Merge-patches an object (`kubectl patch --type merge`). */
  patch(kind: CapiKindName, namespace: string, name: string, body: object): Promise<void>;
  remove(kind: CapiKindName, namespace: string, name: string): Promise<void>;
  /** `Type Reason: message` of the Events on an object, oldest first. */
  events(namespace: string, kind: string, name: string): Promise<string[]>;
  /** A Secret's data, decoded; undefined when there is no such Secret. */
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

const notFound = (error: unknown): boolean => error instanceof ApiException && error.code === 404;
const resource = (kind: CapiKindName) => ({
  group: CapiKinds[kind].group,
  version: CapiKinds[kind].version,
  plural: CapiKinds[kind].plural,
});

/** CapiObjects over an admin kubeconfig. */
export function capiObjects(kubeConfig: KubeConfig): CapiObjects {
  const objects = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const namespaces = new Set(['default']);
  const orUndefined = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  };
  return {
    async apply(namespace, documents) {
      if (!namespaces.has(namespace)) {
        await core.createNamespace({ body: { metadata: { name: namespace } } }).catch((error: unknown) => {
          if (!(error instanceof ApiException && error.code === 409)) throw error;
        });
        namespaces.add(namespace);
      }
      for (const document of documents) {
        const body = { ...document, metadata: { ...document.metadata, namespace } };
        await objects.patchNamespacedCustomObject(
          {
            ...resource(document.kind as CapiKindName),
            namespace,
            name: document.metadata.name,
            body,
            fieldManager: 'kubectl',
            force: true,
          },
          setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
        );
      }
    },
    get: (kind, namespace, name) =>
      orUndefined(async () => (await objects.getNamespacedCustomObject({ ...resource(kind), namespace, name })) as StoredObject),
    async list(kind, namespace) {
      return ((await objects.listNamespacedCustomObject({ ...resource(kind), namespace })) as { items: StoredObject[] }).items;
    },
    async patch(kind, namespace, name, body) {
      await objects.patchNamespacedCustomObject(
        { ...resource(kind), namespace, name, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    },
    async remove(kind, namespace, name) {
      await objects.deleteNamespacedCustomObject({ ...resource(kind), namespace, name });
    },
    async events(namespace, kind, name) {
      const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` });
      return list.items
        .sort((a, b) => (a.firstTimestamp?.getTime() ?? 0) - (b.firstTimestamp?.getTime() ?? 0))
        .map((e) => `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`);
    },
    async secret(namespace, name) {
      const secret = await orUndefined(() => core.readNamespacedSecret({ namespace, name }));
      if (!secret) return undefined;
      return Object.fromEntries(
        Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
      );
    },
  };
}

/** A condition of a stored object as `Status Reason`, or `True` for a reasonless True. */
export function conditionOf(object: StoredObject | undefined, type: string): string | undefined {
  const condition = object?.status?.conditions?.find((c) => c.type === type);
  if (!condition) return undefined;
  return condition.status === 'True' && !condition.reason ? 'True' : `${condition.status} ${condition.reason ?? ''}`;
}

/** The message of a stored object's condition. */
export function messageOf(object: StoredObject | undefined, type: string): string | undefined {
  return object?.status?.conditions?.find((c) => c.type === type)?.message;
}
