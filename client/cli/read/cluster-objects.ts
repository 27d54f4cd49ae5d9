import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { versionCatalogAnnotation } from '../../../api/capi/annotations.ts';
import type { Cluster } from '../../../api/capi/cluster.ts';
import type { MachineDeployment } from '../../../api/capi/machine-deployment.ts';
import type { MachineHealthCheck } from '../../../api/capi/machine-health-check.ts';
import type { MachineSet } from '../../../api/capi/machine-set.ts';
import type { Machine } from '../../../api/capi/machine.ts';
import type { ProxmoxCluster } from '../../../api/capi/proxmox-cluster.ts';
import type { ClusterObjects } from '../../../api/capi/to-desired-cluster.ts';
import type { TalosControlPlane } from '../../../api/capi/talos-control-plane.ts';
import { explainKubeError } from '../connect/kube.ts';
import type { KubeAccess } from '../context.ts';
import { Resources, type Resource } from './resources.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import { isNotFound } from '../../../runtime/kubernetes-api-errors.ts';

/**
 * A cluster's objects as `capstan describe` shows them. They are read as the API server stores
 * them: its CRDs are generated from the same schemas, so they are typed without parsing again.
 */
export interface ClusterCrs {
  readonly cluster: Cluster;
  readonly infrastructure?: ProxmoxCluster | undefined;
  readonly controlPlane?: TalosControlPlane | undefined;
  readonly machineDeployments: readonly MachineDeployment[];
  /** One per MachineDeployment and template revision, as the cluster workflow records them. */
  readonly machineSets: readonly MachineSet[];
  /** The inventory the cluster workflow keeps: one per machine, written before its VM. */
  readonly machines: readonly Machine[];
  readonly machineHealthChecks: readonly MachineHealthCheck[];
}

/** Reads custom objects of one namespace; a missing object or an unserved kind reads as absent. */
export class ObjectReader {
  readonly #api: CustomObjectsApi;

  constructor(
    private readonly kube: KubeAccess,
    private readonly namespace: string,
  ) {
    this.#api = kube.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async get<T>(resource: Resource, name: string): Promise<T | undefined> {
    try {
      return (await this.#api.getNamespacedCustomObject({ ...resource, namespace: this.namespace, name })) as T;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw explainKubeError(error, this.kube, `reading ${resource.plural}/${name}`);
    }
  }

  async list<T>(resource: Resource, labelSelector?: string): Promise<T[]> {
    try {
      const list = (await this.#api.listNamespacedCustomObject({
        ...resource,
        namespace: this.namespace,
        ...(labelSelector ? { labelSelector } : {}),
      })) as { items?: T[] };
      return list.items ?? [];
    } catch (error) {
      if (isNotFound(error)) return [];
      throw explainKubeError(error, this.kube, `listing ${resource.plural}`);
    }
  }
}

const byName = (a: { metadata: { name: string } }, b: { metadata: { name: string } }): number =>
  a.metadata.name.localeCompare(b.metadata.name);

/**
 * The Cluster and what hangs off it (control plane, infrastructure, MachineDeployments, their
 * MachineSets, Machines, MachineHealthChecks); undefined without a Cluster. Objects belong to the
 * cluster by `spec.clusterName`, as CAPI's do.
 */
export async function readClusterCrs(kube: KubeAccess, ref: ClusterRef): Promise<ClusterCrs | undefined> {
  const reader = new ObjectReader(kube, ref.namespace);
  const cluster = await reader.get<Cluster>(Resources.Cluster, ref.name);
  if (!cluster) return undefined;
  const cpName = cluster.spec.controlPlaneRef?.name;
  const infraName = cluster.spec.infrastructureRef?.name;
  const [controlPlane, infrastructure, deployments, machineSets, machines, healthChecks] = await Promise.all([
    cpName ? reader.get<TalosControlPlane>(Resources.TalosControlPlane, cpName) : undefined,
    infraName ? reader.get<ProxmoxCluster>(Resources.ProxmoxCluster, infraName) : undefined,
    reader.list<MachineDeployment>(Resources.MachineDeployment),
    reader.list<MachineSet>(Resources.MachineSet),
    reader.list<Machine>(Resources.Machine),
    reader.list<MachineHealthCheck>(Resources.MachineHealthCheck),
  ]);
  const ours = <T extends { spec: { clusterName: string } }>(objects: T[]): T[] => objects.filter((o) => o.spec.clusterName === ref.name);
  return {
    cluster,
    controlPlane,
    infrastructure,
    machineDeployments: ours(deployments).sort(byName),
    machineSets: ours(machineSets).sort(byName),
    machines: ours(machines).sort(byName),
    machineHealthChecks: ours(healthChecks).sort(byName),
  };
}

/** The names of the Clusters in a namespace, for "did you mean" hints. */
export async function clusterNames(kube: KubeAccess, namespace: string): Promise<string[]> {
  const clusters = await new ObjectReader(kube, namespace).list<Cluster>(Resources.Cluster);
  return clusters.map((c) => c.metadata.name).sort();
}

/** Everything the mapping to DesiredCluster may read in the cluster's namespace (as the controller's caches hold it). */
export async function readMappingObjects(kube: KubeAccess, ref: ClusterRef): Promise<ClusterObjects> {
  const reader = new ObjectReader(kube, ref.namespace);
  const [
    clusters,
    talosControlPlanes,
    machineDeployments,
    proxmoxClusters,
    proxmoxMachineTemplates,
    talosConfigTemplates,
    machineHealthChecks,
  ] = await Promise.all([
    reader.list(Resources.Cluster),
    reader.list(Resources.TalosControlPlane),
    reader.list(Resources.MachineDeployment),
    reader.list(Resources.ProxmoxCluster),
    reader.list(Resources.ProxmoxMachineTemplate),
    reader.list(Resources.TalosConfigTemplate),
    reader.list(Resources.MachineHealthCheck),
  ]);
  const cluster = clusters.find((c) => (c as Cluster).metadata.name === ref.name) as Cluster | undefined;
  const catalog = cluster?.metadata.annotations?.[versionCatalogAnnotation];
  const configMaps = catalog ? await readConfigMap(kube, ref.namespace, catalog) : [];
  return {
    clusters,
    talosControlPlanes,
    machineDeployments,
    proxmoxClusters,
    proxmoxMachineTemplates,
    talosConfigTemplates,
    configMaps,
    machineHealthChecks,
  };
}

async function readConfigMap(kube: KubeAccess, namespace: string, name: string): Promise<unknown[]> {
  try {
    const configMap = await kube.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace, name });
    // Only what the mapping reads: client-node's typed metadata carries Dates, not the API's strings.
    return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: configMap.data ?? {} }];
  } catch (error) {
    if (isNotFound(error)) return [];
    throw explainKubeError(error, kube, `reading ConfigMap ${namespace}/${name}`);
  }
}
