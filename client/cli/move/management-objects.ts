import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { ipamGroup, ipamVersion } from '../../../api/ipam.ts';
import { httpStatusOf, isNotFound } from '../../../runtime/kubernetes-api-errors.ts';
import { ClusterKinds } from '../../controller/kinds.ts';
import type { RawObject } from '../../controller/raw-object.ts';
import type { KindedObject } from './move-selection.ts';

/** Where a custom kind is served. */
interface CustomKind {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

/** Every custom kind a cluster's objects come in: the ten CAPI/provider kinds and CAPI's IPAM kinds. */
const customKinds: Readonly<Record<string, CustomKind>> = {
  ...Object.fromEntries(Object.values(ClusterKinds).map((k) => [k.kind, { group: k.group, version: k.version, plural: k.plural }])),
  IPAddressClaim: { group: ipamGroup, version: ipamVersion, plural: 'ipaddressclaims' },
  IPAddress: { group: ipamGroup, version: ipamVersion, plural: 'ipaddresses' },
};

/** The kinds `capstan move` lists in the cluster's namespace. */
export const movedKinds: readonly string[] = [...Object.keys(customKinds), 'Secret', 'ConfigMap'];

/** The apiVersion a kind is written in. */
export function apiVersionOf(kind: string): string {
  const custom = customKinds[kind];
  return custom ? `${custom.group}/${custom.version}` : 'v1';
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** One management cluster's objects, as `capstan move` reads and writes them. */
export class ManagementObjects {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly extensions: ApiextensionsV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
  }

  /** The CRDs of the moved kinds the management cluster lacks (`<plural>.<group>`). */
  async missingCrds(): Promise<string[]> {
    const missing: string[] = [];
    for (const kind of Object.values(customKinds)) {
      const name = `${kind.plural}.${kind.group}`;
      try {
        await this.extensions.readCustomResourceDefinition({ name });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        missing.push(name);
      }
    }
    return missing;
  }

  /** Creates the namespace unless it exists; true when it was created. */
  async ensureNamespace(namespace: string): Promise<boolean> {
    try {
      await this.core.readNamespace({ name: namespace });
      return false;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await this.core.createNamespace({ body: { metadata: { name: namespace } } });
    return true;
  }

  /** Every object of every moved kind in the namespace. */
  async listAll(namespace: string): Promise<KindedObject[]> {
    const all: KindedObject[] = [];
    for (const kind of movedKinds) for (const object of await this.list(kind, namespace)) all.push({ kind, object });
    return all;
  }

  async list(kind: string, namespace: string): Promise<RawObject[]> {
    if (kind === 'Secret') return (await this.core.listNamespacedSecret({ namespace })).items;
    if (kind === 'ConfigMap') return (await this.core.listNamespacedConfigMap({ namespace })).items;
    const { group, version, plural } = this.kind(kind);
    const listed = (await this.custom.listNamespacedCustomObject({ group, version, plural, namespace })) as { items?: RawObject[] };
    return listed.items ?? [];
  }

  /** The object, or undefined when there is none. */
  async get(kind: string, namespace: string, name: string): Promise<RawObject | undefined> {
    try {
      if (kind === 'Secret') return await this.core.readNamespacedSecret({ name, namespace });
      if (kind === 'ConfigMap') return await this.core.readNamespacedConfigMap({ name, namespace });
      const { group, version, plural } = this.kind(kind);
      return (await this.custom.getNamespacedCustomObject({ group, version, plural, namespace, name })) as RawObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Creates the object; undefined when one of its name exists already. */
  async create(kind: string, namespace: string, body: Record<string, unknown>): Promise<RawObject | undefined> {
    try {
      if (kind === 'Secret') return await this.core.createNamespacedSecret({ namespace, body });
      if (kind === 'ConfigMap') return await this.core.createNamespacedConfigMap({ namespace, body });
      const { group, version, plural } = this.kind(kind);
      return (await this.custom.createNamespacedCustomObject({ group, version, plural, namespace, body })) as RawObject;
    } catch (error) {
      if (httpStatusOf(error) === 409) return undefined;
      throw error;
    }
  }

  /** Merge-patches a custom object, or its status subresource. */
  async patch(kind: string, namespace: string, name: string, body: Record<string, unknown>, status = false): Promise<void> {
    if (kind === 'Secret' || kind === 'ConfigMap') {
      const call = kind === 'Secret' ? this.core.patchNamespacedSecret.bind(this.core) : this.core.patchNamespacedConfigMap.bind(this.core);
      await call({ name, namespace, body }, mergePatch);
      return;
    }
    const { group, version, plural } = this.kind(kind);
    const request = { group, version, plural, namespace, name, body };
    if (status) await this.custom.patchNamespacedCustomObjectStatus(request, mergePatch);
    else await this.custom.patchNamespacedCustomObject(request, mergePatch);
  }

  /**
   * Deletes the object and lifts every finalizer; one already gone is fine. Delete first: a
   * controller adds its finalizer back to an object that is not being deleted, never to one that is.
   */
  async removeWithoutFinalizers(kind: string, namespace: string, name: string): Promise<void> {
    try {
      if (kind === 'Secret') await this.core.deleteNamespacedSecret({ name, namespace });
      else if (kind === 'ConfigMap') await this.core.deleteNamespacedConfigMap({ name, namespace });
      else {
        const { group, version, plural } = this.kind(kind);
        await this.custom.deleteNamespacedCustomObject({ group, version, plural, namespace, name });
      }
      await this.patch(kind, namespace, name, { metadata: { finalizers: null } });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  private kind(kind: string): CustomKind {
    const found = customKinds[kind];
    if (!found) throw new Error(`capstan move does not know kind ${kind}`);
    return found;
  }
}
