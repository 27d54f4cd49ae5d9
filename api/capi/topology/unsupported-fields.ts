import type { ClusterClass } from '../cluster-class.ts';
import type { Cluster } from '../cluster.ts';
import { joinPath, type IssueLog, type ObjectKey } from '../mapping/issues.ts';
import { reportUnsupported, type UnsupportedField } from '../mapping/unsupported.ts';

/** Topology fields Capstan accepts (so CAPI manifests apply) and does not act on. */
const topologyUnsupported: readonly UnsupportedField[] = [
  { path: 'spec.topology.rolloutAfter', reason: 'Capstan rolls out when the class or the topology changes' },
  { path: 'spec.topology.controlPlane.machineHealthCheck', reason: 'write a MachineHealthCheck for the control plane instead' },
  { path: 'spec.topology.controlPlane.nodeDrainTimeout', reason: 'TalosControlPlane has no drain timeout; Capstan uses its default' },
  { path: 'spec.topology.controlPlane.nodeVolumeDetachTimeout', reason: 'Capstan waits for no volume detachment' },
  { path: 'spec.topology.controlPlane.nodeDeletionTimeout', reason: 'Capstan deletes Nodes itself' },
];

/** ClusterClass fields likewise. */
const classUnsupported: readonly UnsupportedField[] = [
  { path: 'spec.infrastructureNamingStrategy', reason: "Capstan names generated objects as CAPI's default strategy does" },
  { path: 'spec.controlPlane.namingStrategy', reason: "Capstan names generated objects as CAPI's default strategy does" },
  { path: 'spec.controlPlane.machineHealthCheck', reason: 'write a MachineHealthCheck for the control plane instead' },
  { path: 'spec.controlPlane.nodeDrainTimeout', reason: 'TalosControlPlane has no drain timeout; Capstan uses its default' },
  { path: 'spec.controlPlane.nodeVolumeDetachTimeout', reason: 'Capstan waits for no volume detachment' },
  { path: 'spec.controlPlane.nodeDeletionTimeout', reason: 'Capstan deletes Nodes itself' },
];

const ignored = (reason: string): string => `is not supported by Capstan and is ignored: ${reason}`;

/** Warns about each topology field Capstan ignores. */
export function reportTopologyUnsupported(cluster: Cluster, clusterKey: ObjectKey, log: IssueLog): void {
  reportUnsupported(cluster, topologyUnsupported, clusterKey, log);
  (cluster.spec.topology?.workers?.machineDeployments ?? []).forEach((md, i) => {
    if (md.machineHealthCheck !== undefined)
      log.warnings.push({
        object: clusterKey,
        path: joinPath('spec.topology.workers.machineDeployments', i, 'machineHealthCheck'),
        message: ignored('write a MachineHealthCheck for the MachineDeployment instead'),
      });
  });
}

/** Warns about each ClusterClass field Capstan ignores, and refuses MachinePools (errors). */
export function reportClassUnsupported(cc: ClusterClass, classKey: ObjectKey, log: IssueLog): void {
  reportUnsupported(cc, classUnsupported, classKey, log);
  if ((cc.spec.workers?.machinePools ?? []).length > 0)
    log.errors.push({
      object: classKey,
      path: 'spec.workers.machinePools',
      message: 'MachinePools are not supported by Capstan; use machineDeployments',
    });
  (cc.spec.workers?.machineDeployments ?? []).forEach((md, i) => {
    const at = joinPath('spec.workers.machineDeployments', i);
    if (md.namingStrategy !== undefined)
      log.warnings.push({
        object: classKey,
        path: joinPath(at, 'namingStrategy'),
        message: ignored("Capstan names generated objects as CAPI's default strategy does"),
      });
    if (md.machineHealthCheck !== undefined)
      log.warnings.push({
        object: classKey,
        path: joinPath(at, 'machineHealthCheck'),
        message: ignored('write a MachineHealthCheck for the MachineDeployments instead'),
      });
  });
}
