import type { z } from 'zod';
import { Cluster } from '../cluster.ts';
import { bootstrapGroup, capiGroup, controlPlaneGroup, groupOf, infrastructureGroup } from '../groups.ts';
import { MachineDeployment } from '../machine-deployment.ts';
import { MachineHealthCheck } from '../machine-health-check.ts';
import type { ObjectReference } from '../meta.ts';
import { ProxmoxCluster } from '../proxmox-cluster.ts';
import { ProxmoxMachineTemplate } from '../proxmox-machine-template.ts';
import { TalosConfigTemplate } from '../talos-config-template.ts';
import { TalosControlPlane } from '../talos-control-plane.ts';
import { ConfigMap } from './config-map.ts';
import { joinPath, parseAt, type IssueLog, type ObjectKey } from './issues.ts';

/**
 * Everything the mapping may read, per kind, as the controller's informer caches hold it (or as
 * `objectsFromManifests` sorts a YAML file). Objects are raw JSON: the mapping validates them, so
 * a bad field becomes an error that names it rather than an exception.
 */
export interface ClusterObjects {
  readonly clusters: readonly unknown[];
  readonly talosControlPlanes: readonly unknown[];
  readonly machineDeployments: readonly unknown[];
  readonly proxmoxClusters: readonly unknown[];
  readonly proxmoxMachineTemplates: readonly unknown[];
  readonly talosConfigTemplates: readonly unknown[];
  /** Only the ConfigMaps a Cluster names as its version catalog are read. */
  readonly configMaps?: readonly unknown[];
  /** Those whose `spec.clusterName` is the cluster become its health checks. */
  readonly machineHealthChecks?: readonly unknown[];
}

/** How the mapping finds and validates one kind. */
interface KindInfo<S extends z.ZodType> {
  readonly kind: string;
  readonly group: string;
  readonly list: keyof ClusterObjects;
  readonly schema: S;
}

const kind = <S extends z.ZodType>(info: KindInfo<S>): KindInfo<S> => info;

/** The kinds the mapping reads. */
export const Kinds = {
  Cluster: kind({ kind: 'Cluster', group: capiGroup, list: 'clusters', schema: Cluster }),
  TalosControlPlane: kind({ kind: 'TalosControlPlane', group: controlPlaneGroup, list: 'talosControlPlanes', schema: TalosControlPlane }),
  MachineDeployment: kind({ kind: 'MachineDeployment', group: capiGroup, list: 'machineDeployments', schema: MachineDeployment }),
  ProxmoxCluster: kind({ kind: 'ProxmoxCluster', group: infrastructureGroup, list: 'proxmoxClusters', schema: ProxmoxCluster }),
  ProxmoxMachineTemplate: kind({
    kind: 'ProxmoxMachineTemplate',
    group: infrastructureGroup,
    list: 'proxmoxMachineTemplates',
    schema: ProxmoxMachineTemplate,
  }),
  TalosConfigTemplate: kind({
    kind: 'TalosConfigTemplate',
    group: bootstrapGroup,
    list: 'talosConfigTemplates',
    schema: TalosConfigTemplate,
  }),
  ConfigMap: kind({ kind: 'ConfigMap', group: '', list: 'configMaps', schema: ConfigMap }),
  MachineHealthCheck: kind({ kind: 'MachineHealthCheck', group: capiGroup, list: 'machineHealthChecks', schema: MachineHealthCheck }),
};

interface Named {
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
}

const nameOf = (object: unknown): unknown => (object as Named | null)?.metadata?.name;
const namespaceOf = (object: unknown, fallback: string): unknown => (object as Named | null)?.metadata?.namespace ?? fallback;

/** The objects of one kind in `namespace`, raw; objects without a namespace count as `namespace`'s (manifests often omit it). */
export function rawObjectsIn(objects: ClusterObjects, info: KindInfo<z.ZodType>, namespace: string): unknown[] {
  return (objects[info.list] ?? []).filter((o) => namespaceOf(o, namespace) === namespace);
}

/** Finds `namespace/name` of a kind and validates it; logs what is missing or malformed. */
export function findObject<S extends z.ZodType>(
  objects: ClusterObjects,
  info: KindInfo<S>,
  namespace: string,
  name: string,
  log: IssueLog,
  referrer?: { readonly object: ObjectKey; readonly path: string },
): z.output<S> | undefined {
  const raw = rawObjectsIn(objects, info, namespace).find((o) => nameOf(o) === name);
  const key = { kind: info.kind, namespace, name };
  if (raw === undefined) {
    if (referrer)
      log.errors.push({
        object: referrer.object,
        path: referrer.path,
        message: `${info.kind} ${namespace}/${name} does not exist; create it or fix the reference`,
      });
    else log.errors.push({ object: key, path: '', message: 'does not exist' });
    return undefined;
  }
  // Status is Capstan's own output: a stale or foreign status must not make the spec invalid.
  return parseAt(info.schema, { ...(raw as object), status: undefined }, key, '', log);
}

/**
 * Follows a reference (`controlPlaneRef`, `infrastructureTemplate`, `configRef`, ...) to the one
 * kind Capstan accepts there, in the referrer's namespace.
 */
export function resolveReference<S extends z.ZodType>(
  objects: ClusterObjects,
  info: KindInfo<S>,
  ref: ObjectReference | undefined,
  referrer: { readonly object: ObjectKey; readonly path: string },
  log: IssueLog,
): z.output<S> | undefined {
  const at = (field: string): string => joinPath(referrer.path, field);
  if (ref === undefined) {
    log.errors.push({ object: referrer.object, path: referrer.path, message: `is required: it must name a ${info.kind}` });
    return undefined;
  }
  let usable = true;
  if (ref.kind !== undefined && ref.kind !== info.kind) {
    log.errors.push({
      object: referrer.object,
      path: at('kind'),
      message: `must be ${info.kind}, not ${ref.kind}: Capstan manages Talos clusters on Proxmox VE only`,
    });
    usable = false;
  }
  if (ref.apiVersion !== undefined && groupOf(ref.apiVersion) !== info.group) {
    log.errors.push({
      object: referrer.object,
      path: at('apiVersion'),
      message: `must be in the API group ${info.group}, not ${ref.apiVersion}`,
    });
    usable = false;
  }
  if (ref.namespace !== undefined && ref.namespace !== referrer.object.namespace) {
    log.errors.push({
      object: referrer.object,
      path: at('namespace'),
      message: `must be the cluster's namespace ${referrer.object.namespace}: a cluster's objects live in one namespace`,
    });
    usable = false;
  }
  if (!usable) return undefined;
  return findObject(objects, info, referrer.object.namespace, ref.name, log, referrer);
}

/** Sorts manifests (YAML documents) into ClusterObjects by kind, giving namespace-less ones `namespace`. */
export function objectsFromManifests(documents: readonly unknown[], namespace = 'default'): ClusterObjects {
  const lists: Record<keyof ClusterObjects, unknown[]> = {
    clusters: [],
    talosControlPlanes: [],
    machineDeployments: [],
    proxmoxClusters: [],
    proxmoxMachineTemplates: [],
    talosConfigTemplates: [],
    configMaps: [],
    machineHealthChecks: [],
  };
  for (const document of documents) {
    const {
      apiVersion,
      kind: k,
      metadata,
    } = (document ?? {}) as { apiVersion?: unknown; kind?: unknown; metadata?: Record<string, unknown> };
    const info = Object.values(Kinds).find((i) => i.kind === k && typeof apiVersion === 'string' && groupOf(apiVersion) === i.group);
    if (!info) continue;
    lists[info.list].push({ ...(document as object), metadata: { ...metadata, namespace: metadata?.namespace ?? namespace } });
  }
  return lists;
}
