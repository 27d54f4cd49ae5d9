// The management cluster's CAPI objects as the inventory and the observer read and write them:
// plain JSON through the custom-objects API, every error turned into a sentence once.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { ApplicationFailure } from '@temporalio/common';
import { clusterCrd } from '../../api/capi/cluster.ts';
import { machineDeploymentCrd } from '../../api/capi/machine-deployment.ts';
import { machineHealthCheckCrd } from '../../api/capi/machine-health-check.ts';
import { machineSetCrd } from '../../api/capi/machine-set.ts';
import { machineCrd } from '../../api/capi/machine.ts';
import { proxmoxClusterCrd } from '../../api/capi/proxmox-cluster.ts';
import { proxmoxMachineCrd } from '../../api/capi/proxmox-machine.ts';
import { talosControlPlaneCrd } from '../../api/capi/talos-control-plane.ts';
import type { OwnerReference } from '../../api/capi/meta.ts';
import type { CrdManifest } from '../../api/crd/define-crd.ts';
import { ErrorType } from '../../api/errors.ts';
import { ipamCrds } from '../../api/ipam.ts';
import { apiStatusOf, httpStatusOf } from '../../runtime/kubernetes-api-errors.ts';
import { failure } from '../failure.ts';
import { classifyKubernetesError } from '../kubernetes/kubernetes-errors.ts';

/** Where a kind is served. */
export interface KindRef {
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly apiVersion: string;
}

function kindOf(crd: CrdManifest): KindRef {
  const version = crd.spec.versions[0]?.name ?? '';
  return {
    kind: crd.spec.names.kind,
    group: crd.spec.group,
    version,
    plural: crd.spec.names.plural,
    apiVersion: `${crd.spec.group}/${version}`,
  };
}

function ipamKind(name: string): KindRef {
  const crd = ipamCrds.find((c) => c.spec.names.kind === name);
  if (!crd) throw new Error(`no IPAM CRD of kind ${name}`);
  return kindOf(crd);
}

/** The kinds the inventory and the observer touch. */
export const Kinds = {
  Cluster: kindOf(clusterCrd),
  TalosControlPlane: kindOf(talosControlPlaneCrd),
  MachineDeployment: kindOf(machineDeploymentCrd),
  MachineSet: kindOf(machineSetCrd),
  Machine: kindOf(machineCrd),
  ProxmoxMachine: kindOf(proxmoxMachineCrd),
  ProxmoxCluster: kindOf(proxmoxClusterCrd),
  MachineHealthCheck: kindOf(machineHealthCheckCrd),
  IPAddress: ipamKind('IPAddress'),
} as const satisfies Record<string, KindRef>;
export type KindName = keyof typeof Kinds;

export type { OwnerReference };

/** An object as the API server returns it, as JSON. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly generation?: number;
    readonly creationTimestamp?: string;
    readonly deletionTimestamp?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
    readonly ownerReferences?: readonly OwnerReference[];
  };
  readonly spec?: Readonly<Record<string, unknown>>;
  readonly status?: Readonly<Record<string, unknown>>;
}

/** A write lost a race (409 on a resourceVersion precondition): read again and retry. */
export class Conflict extends Error {}

const resourceOf = (kind: KindRef) => ({ group: kind.group, version: kind.version, plural: kind.plural });
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const applyPatch = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

// A 404 naming no object means the API server does not serve the kind at all (its CRD is missing).
function isMissingKind(error: unknown): boolean {
  if (httpStatusOf(error) !== 404) return false;
  const details = (apiStatusOf(error) as { details?: { name?: string } } | undefined)?.details;
  return details?.name === undefined;
}

/**
 * A Kubernetes error as a typed failure whose message says what was being done: a kind the API
 * server does not serve names the CRD to install (non-retryable: an operator must install it).
 */
export function kubernetesFailure(error: unknown, doing: string, kind?: KindRef): ApplicationFailure {
  if (kind && isMissingKind(error)) {
    return failure(
      ErrorType.KubernetesInvalidRequest,
      `${doing}: the management cluster does not serve ${kind.plural}.${kind.group}; install Capstan's CRDs (kubectl apply -f config/crd/)`,
      error,
    );
  }
  return classifyKubernetesError(error, doing);
}

/** The CAPI objects of the management cluster, as one field manager writes them. */
export class ObjectStore {
  private readonly api: CustomObjectsApi;

  constructor(
    kubeConfig: KubeConfig,
    readonly fieldManager: string,
  ) {
    this.api = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** The object, or undefined when it (or its kind) does not exist. */
  async get(name: KindName, namespace: string, objectName: string): Promise<KubeObject | undefined> {
    const kind = Kinds[name];
    try {
      return (await this.api.getNamespacedCustomObject({ ...resourceOf(kind), namespace, name: objectName })) as KubeObject;
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      throw kubernetesFailure(error, `reading ${kind.kind} ${namespace}/${objectName}`, kind);
    }
  }

  /** The objects of a kind carrying the labels (`a=b,c=d`). */
  async list(name: KindName, namespace: string, labelSelector: string): Promise<KubeObject[]> {
    const kind = Kinds[name];
    try {
      const list = (await this.api.listNamespacedCustomObject({ ...resourceOf(kind), namespace, labelSelector })) as {
        items: KubeObject[];
      };
      return list.items;
    } catch (error) {
      throw kubernetesFailure(error, `listing ${kind.plural} in ${namespace} with ${labelSelector}`, kind);
    }
  }

  /** Creates the object; undefined when one of that name exists already. */
  async create(
    name: KindName,
    namespace: string,
    body: { readonly metadata: { readonly name: string } & Record<string, unknown> } & Record<string, unknown>,
  ): Promise<KubeObject | undefined> {
    const kind = Kinds[name];
    try {
      return (await this.api.createNamespacedCustomObject({
        ...resourceOf(kind),
        namespace,
        body: { apiVersion: kind.apiVersion, kind: kind.kind, ...body },
        fieldManager: this.fieldManager,
      })) as KubeObject;
    } catch (error) {
      if (httpStatusOf(error) === 409) return undefined;
      throw kubernetesFailure(error, `creating ${kind.kind} ${namespace}/${body.metadata.name}`, kind);
    }
  }

  /**
   * Merge-patches the object only if it is still at `resourceVersion` (when given): a Conflict
   * means it changed since it was read. Undefined when it is gone.
   */
  async patch(name: KindName, object: KubeObject, body: Record<string, unknown>, guarded = true): Promise<KubeObject | undefined> {
    const kind = Kinds[name];
    const { namespace = '', name: objectName, resourceVersion } = object.metadata;
    const metadata = { ...((body.metadata as object | undefined) ?? {}), ...(guarded ? { resourceVersion } : {}) };
    try {
      return (await this.api.patchNamespacedCustomObject(
        { ...resourceOf(kind), namespace, name: objectName, body: { ...body, metadata }, fieldManager: this.fieldManager },
        mergePatch,
      )) as KubeObject;
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      if (httpStatusOf(error) === 409) throw new Conflict(`${kind.kind} ${namespace}/${objectName} changed meanwhile`);
      throw kubernetesFailure(error, `updating ${kind.kind} ${namespace}/${objectName}`, kind);
    }
  }

  /** Server-side applies `status` under this store's field manager; an object gone meanwhile needs none. */
  async applyStatus(name: KindName, namespace: string, objectName: string, status: Record<string, unknown>): Promise<boolean> {
    const kind = Kinds[name];
    try {
      await this.api.patchNamespacedCustomObjectStatus(
        {
          ...resourceOf(kind),
          namespace,
          name: objectName,
          body: { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name: objectName, namespace }, status },
          fieldManager: this.fieldManager,
          force: true,
        },
        applyPatch,
      );
      return true;
    } catch (error) {
      if (httpStatusOf(error) === 404) return false;
      throw kubernetesFailure(error, `writing the status of ${kind.kind} ${namespace}/${objectName}`, kind);
    }
  }

  /** Deletes the object (its finalizers may keep it a while); false when it was gone already. */
  async delete(name: KindName, namespace: string, objectName: string): Promise<boolean> {
    const kind = Kinds[name];
    try {
      await this.api.deleteNamespacedCustomObject({ ...resourceOf(kind), namespace, name: objectName });
      return true;
    } catch (error) {
      if (httpStatusOf(error) === 404) return false;
      throw kubernetesFailure(error, `deleting ${kind.kind} ${namespace}/${objectName}`, kind);
    }
  }

  /** Removes one finalizer (others stay), retrying on races; false when the object is gone. */
  async removeFinalizer(name: KindName, namespace: string, objectName: string, finalizer: string): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      const object = await this.get(name, namespace, objectName);
      if (!object) return false;
      const finalizers = object.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return true;
      const rest = finalizers.filter((f) => f !== finalizer);
      try {
        return (await this.patch(name, object, { metadata: { finalizers: rest.length > 0 ? rest : null } })) !== undefined;
      } catch (error) {
        if (error instanceof Conflict && attempt < 5) continue;
        throw error;
      }
    }
  }
}

/** `a=b,c=d`, the query form of matchLabels (sorted, as Kubernetes prints selectors). */
export function selectorString(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** An owner reference to an existing object. */
export function ownerReference(kind: KindRef, object: KubeObject, controller: boolean): OwnerReference | undefined {
  const uid = object.metadata.uid;
  if (uid === undefined) return undefined;
  return { apiVersion: kind.apiVersion, kind: kind.kind, name: object.metadata.name, uid, controller, blockOwnerDeletion: true };
}
