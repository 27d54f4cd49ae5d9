import type { z } from 'zod';
import { DesiredCluster, DesiredControlPlane, TalosPatches } from '../desired-cluster.ts';
import type { VersionCatalog } from '../versions.ts';
import { pausedAnnotation, talosSchematicAnnotation } from './annotations.ts';
import { defaultVersionCatalog } from './default-version-catalog.ts';
import { Kinds, findObject, resolveReference, type ClusterObjects } from './mapping/cluster-objects.ts';
import { deploymentsOf } from './mapping/deployments.ts';
import { drainTimeoutActionOf } from './mapping/drain-timeout-action.ts';
import { clusterTimings } from './mapping/cluster-timings.ts';
import { etcdBackupPolicy } from './mapping/etcd-backup-policy.ts';
import { healthChecksOf } from './mapping/health-checks.ts';
import { newIssueLog, uniqueIssues, parseAt, type IssueLog, type MappingIssue, type ObjectKey } from './mapping/issues.ts';
import { machineFromTemplate, type TemplateMachine } from './mapping/machine-shape.ts';
import { clusterInfrastructure } from './mapping/network.ts';
import { checkPatchVips } from './mapping/patch-vips.ts';
import { poolOverlaps, type ForeignPool } from './mapping/pool-overlap.ts';
import { poolFitsCluster } from './mapping/pool-size.ts';
import { placement, sharedVmIdRange } from './mapping/placement.ts';
import { controlPlaneStrategy } from './mapping/rollout.ts';
import { talosPatchesFrom } from './mapping/talos-patches.ts';
import { resolveCatalog, resolveVersions } from './mapping/versions.ts';

export type { ClusterObjects } from './mapping/cluster-objects.ts';
export { objectsFromManifests } from './mapping/cluster-objects.ts';
export { describeIssue, type MappingIssue, type ObjectKey } from './mapping/issues.ts';
export type { ForeignPool } from './mapping/pool-overlap.ts';

/**
 * The mapping's verdict: the workflows' input plus what was ignored, or every problem found (all
 * at once, so an operator fixes the manifests in one pass).
 */
export type MappingResult =
  | { readonly ok: true; readonly desired: DesiredCluster; readonly warnings: readonly MappingIssue[] }
  | { readonly ok: false; readonly errors: readonly MappingIssue[]; readonly warnings: readonly MappingIssue[] };

/** Knobs for callers other than the controller (tests, the embedded demo). */
export interface MappingOptions {
  /** The catalog for clusters that name none; defaults to the one Capstan ships. */
  readonly defaultCatalog?: VersionCatalog;
  /** ProxmoxClusters' pools in other namespaces: this cluster's pool must not share an address with them. */
  readonly otherPools?: readonly ForeignPool[];
}

const key = (kind: string, namespace: string, name: string): ObjectKey => ({ kind, namespace, name });

/**
 * Maps one cluster's CAPI objects (Cluster → TalosControlPlane → ProxmoxMachineTemplate,
 * ProxmoxCluster, the MachineDeployments naming the cluster with their templates, and the
 * MachineHealthChecks naming it) onto
 * DesiredCluster. Pure: the controller passes what its informers hold. Errors name the object and
 * field to fix; fields Capstan accepts but does not act on come back as warnings.
 */
export function toDesiredCluster(
  cluster: { readonly namespace: string; readonly name: string },
  objects: ClusterObjects,
  options: MappingOptions = {},
): MappingResult {
  const log = newIssueLog();
  const desired = mapCluster(
    cluster.namespace,
    cluster.name,
    objects,
    options.defaultCatalog ?? defaultVersionCatalog,
    log,
    options.otherPools ?? [],
  );
  // Objects shared by several MachineDeployments (one template for all) would repeat their issues.
  const warnings = uniqueIssues(log.warnings);
  if (desired === undefined || log.errors.length > 0) {
    if (log.errors.length === 0) throw new Error('the mapping failed without saying why'); // a bug, not bad input
    return { ok: false, errors: uniqueIssues(log.errors), warnings };
  }
  return { ok: true, desired, warnings };
}

function mapCluster(
  namespace: string,
  name: string,
  objects: ClusterObjects,
  fallbackCatalog: VersionCatalog,
  log: IssueLog,
  otherPools: readonly ForeignPool[],
): DesiredCluster | undefined {
  const clusterKey = key('Cluster', namespace, name);
  const cluster = findObject(objects, Kinds.Cluster, namespace, name, log);
  if (!cluster) return undefined;
  const clusterName = parseAt(DesiredCluster.shape.name, name, clusterKey, 'metadata.name', log);

  const tcp = resolveReference(
    objects,
    Kinds.TalosControlPlane,
    cluster.spec.controlPlaneRef,
    { object: clusterKey, path: 'spec.controlPlaneRef' },
    log,
  );
  const proxmox = resolveReference(
    objects,
    Kinds.ProxmoxCluster,
    cluster.spec.infrastructureRef,
    { object: clusterKey, path: 'spec.infrastructureRef' },
    log,
  );
  const catalog = resolveCatalog(cluster, clusterKey, objects, fallbackCatalog, log);
  const tcpKey = key('TalosControlPlane', namespace, tcp?.metadata.name ?? '');
  const proxmoxKey = key('ProxmoxCluster', namespace, proxmox?.metadata.name ?? '');

  const infrastructure = proxmox ? clusterInfrastructure(cluster, clusterKey, proxmox, proxmoxKey, log) : undefined;
  const versions = tcp && catalog ? resolveVersions(tcp, tcpKey, catalog, log) : undefined;

  let controlPlane: z.input<typeof DesiredControlPlane> | undefined;
  let cpMachine: TemplateMachine | undefined;
  if (tcp) {
    const templateRef = { object: tcpKey, path: 'spec.infrastructureTemplate' };
    const template = resolveReference(objects, Kinds.ProxmoxMachineTemplate, tcp.spec.infrastructureTemplate, templateRef, log);
    cpMachine = template ? machineFromTemplate(template, key('ProxmoxMachineTemplate', namespace, template.metadata.name), log) : undefined;
    if (tcp.spec.controlPlaneConfig.init !== undefined) {
      log.warnings.push({
        object: tcpKey,
        path: 'spec.controlPlaneConfig.init',
        message: 'is deprecated by CACPPT and ignored: every control-plane machine uses controlPlaneConfig.controlplane',
      });
    }
    const replicas = parseAt(DesiredControlPlane.shape.replicas, tcp.spec.replicas ?? 1, tcpKey, 'spec.replicas', log);
    const strategy = replicas === undefined ? undefined : controlPlaneStrategy(tcp, replicas, tcpKey, log);
    const talos = talosPatchesFrom(
      tcp.spec.controlPlaneConfig.controlplane,
      'controlplane',
      tcpKey,
      'spec.controlPlaneConfig.controlplane',
      log,
    );
    if (replicas !== undefined && strategy && talos && cpMachine) {
      const sources = { template: cpMachine.template, config: tcp.metadata.name };
      const drainAction = drainTimeoutActionOf(tcp.metadata.annotations, tcpKey, log);
      controlPlane = {
        replicas,
        machine: cpMachine.shape,
        strategy,
        talos,
        sources,
        ...(drainAction ? { drainTimeoutAction: drainAction } : {}),
      };
    }
  }

  const deployments = deploymentsOf(namespace, name, objects, versions?.kubernetes, versions?.talos, log);
  const templates = [cpMachine, ...deployments.map((d) => d.machine)].filter((t): t is TemplateMachine => t !== undefined);
  const allowedNodes = proxmox ? placement(proxmox.spec.allowedNodes, templates, proxmoxKey, log) : undefined;
  const vmIdRange = sharedVmIdRange(templates, namespace, log);
  const healthChecks = healthChecksOf(namespace, name, objects, log);
  const timings = clusterTimings(cluster.metadata.annotations, clusterKey, log);
  const etcdBackup = etcdBackupPolicy(cluster.metadata.annotations, clusterKey, log);
  const schematicId = tcp?.metadata.annotations?.[talosSchematicAnnotation];
  if (schematicId !== undefined && !/^[0-9a-f]{64}$/.test(schematicId)) {
    log.errors.push({
      object: tcpKey,
      path: `metadata.annotations[${talosSchematicAnnotation}]`,
      message: 'must be an Image Factory schematic ID (64 lowercase hex digits)',
    });
  }

  if (infrastructure && controlPlane && proxmox) poolFitsCluster(infrastructure, controlPlane, deployments, proxmoxKey, log);
  if (infrastructure && controlPlane?.talos)
    checkPatchVips(
      TalosPatches.parse(controlPlane.talos),
      infrastructure.network.controlPlaneEndpoint,
      tcpKey,
      'spec.controlPlaneConfig.controlplane',
      log,
    );
  if (infrastructure) poolOverlaps(infrastructure.network.ipv4Pool, otherPools, proxmoxKey, proxmox?.metadata.creationTimestamp, log);

  if (!clusterName || !controlPlane || !versions || !catalog || !infrastructure || !proxmox || !allowedNodes || log.errors.length > 0)
    return undefined;
  const paused = cluster.spec.paused === true || cluster.metadata.annotations?.[pausedAnnotation] !== undefined;
  const result = DesiredCluster.safeParse({
    namespace,
    name: clusterName,
    generation: cluster.metadata.generation ?? 0,
    kubernetesVersion: versions.kubernetes,
    talosVersion: versions.talos,
    controlPlane,
    machineDeployments: deployments.map((d) => d.desired),
    proxmox: {
      allowedNodes,
      ...(vmIdRange ? { vmIdRange } : {}),
      ...(infrastructure.credentialsRef ? { credentialsRef: infrastructure.credentialsRef } : {}),
      source: proxmox.metadata.name,
    },
    network: infrastructure.network,
    talos: { strategicPatches: [], configPatches: [], ...(schematicId ? { schematicId } : {}) },
    versionCatalog: catalog,
    paused,
    healthChecks,
    ...timings,
    etcdBackup,
  });
  if (!result.success) {
    // Every field was checked where it was written; what is left is a gap in those checks.
    for (const issue of result.error.issues)
      log.errors.push({ object: clusterKey, path: '', message: `maps to an invalid ${issue.path.join('.')}: ${issue.message}` });
    return undefined;
  }
  return result.data;
}
