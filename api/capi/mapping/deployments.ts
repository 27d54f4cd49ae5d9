import type { z } from 'zod';
import { DesiredMachineDeployment } from '../../desired-cluster.ts';
import { minorOf } from '../../versions.ts';
import type { MachineDeployment } from '../machine-deployment.ts';
import { Kinds, findObject, rawObjectsIn, resolveReference, type ClusterObjects } from './cluster-objects.ts';
import { durationSeconds } from './duration.ts';
import { parseAt, type IssueLog, type ObjectKey } from './issues.ts';
import { machineFromTemplate, type TemplateMachine } from './machine-shape.ts';
import { deploymentStrategy } from './rollout.ts';
import { talosPatchesFrom } from './talos-patches.ts';
import { reportUnsupported, type UnsupportedField } from './unsupported.ts';
import { kubeletSkewProblem } from './versions.ts';
import { drainTimeoutActionOf } from './drain-timeout-action.ts';

// MachineDeployment fields with no counterpart in Capstan: accepted, reported, ignored.
const mdUnsupported: readonly UnsupportedField[] = [
  { path: 'spec.paused', reason: 'pause the whole Cluster (spec.paused or the cluster.x-k8s.io/paused annotation)' },
  { path: 'spec.rolloutAfter', reason: 'change the template to roll machines out' },
  { path: 'spec.minReadySeconds', reason: 'a machine counts as available once its Node is Ready' },
  { path: 'spec.progressDeadlineSeconds', reason: 'a stuck rollout blocks and says why instead' },
  {
    path: 'spec.strategy.remediation',
    reason: "a MachineHealthCheck's maxUnhealthy / unhealthyRange bounds remediation; Capstan replaces unhealthy workers itself",
  },
  { path: 'spec.template.spec.failureDomain', reason: "Capstan spreads machines over the ProxmoxCluster's allowedNodes" },
  { path: 'spec.template.spec.nodeVolumeDetachTimeout', reason: 'Capstan deletes the VM once the node is drained' },
  { path: 'spec.template.spec.nodeDeletionTimeout', reason: 'Capstan deletes the Node object itself' },
];

/** A MachineDeployment mapped onto the workflows' input, with the machine its template gives. */
export interface MappedDeployment {
  readonly name: string;
  readonly desired: z.input<typeof DesiredMachineDeployment>;
  readonly machine?: TemplateMachine;
}

/** The MachineDeployments whose `spec.clusterName` is this cluster, by name, each with its two templates. */
export function deploymentsOf(
  namespace: string,
  clusterName: string,
  objects: ClusterObjects,
  kubernetes: string | undefined,
  talos: string | undefined,
  log: IssueLog,
): MappedDeployment[] {
  const names = rawObjectsIn(objects, Kinds.MachineDeployment, namespace)
    .filter((raw) => (raw as { spec?: { clusterName?: unknown } }).spec?.clusterName === clusterName)
    .map((raw) => (raw as { metadata?: { name?: unknown } }).metadata?.name)
    .filter((n): n is string => typeof n === 'string')
    .sort();
  const mapped: MappedDeployment[] = [];
  for (const name of names) {
    const md = findObject(objects, Kinds.MachineDeployment, namespace, name, log);
    const deployment = md ? mapDeployment(md, { kind: 'MachineDeployment', namespace, name }, objects, kubernetes, talos, log) : undefined;
    if (deployment) mapped.push(deployment);
  }
  return mapped;
}

function mapDeployment(
  md: MachineDeployment,
  mdKey: ObjectKey,
  objects: ClusterObjects,
  kubernetes: string | undefined,
  talos: string | undefined,
  log: IssueLog,
): MappedDeployment | undefined {
  const errorsBefore = log.errors.length;
  const spec = md.spec.template.spec;
  reportUnsupported(md, mdUnsupported, mdKey, log);
  const name = parseAt(DesiredMachineDeployment.shape.name, mdKey.name, mdKey, 'metadata.name', log);
  if (spec.clusterName !== md.spec.clusterName) {
    log.errors.push({
      object: mdKey,
      path: 'spec.template.spec.clusterName',
      message: `must be ${md.spec.clusterName}, as spec.clusterName`,
    });
  }
  if (spec.bootstrap.dataSecretName !== undefined) {
    log.errors.push({
      object: mdKey,
      path: 'spec.template.spec.bootstrap.dataSecretName',
      message: "is not supported: Capstan renders each machine's config; reference a TalosConfigTemplate in configRef",
    });
  }
  const infraRef = { object: mdKey, path: 'spec.template.spec.infrastructureRef' };
  const template = resolveReference(objects, Kinds.ProxmoxMachineTemplate, spec.infrastructureRef, infraRef, log);
  const machine = template
    ? machineFromTemplate(template, { kind: 'ProxmoxMachineTemplate', namespace: mdKey.namespace, name: template.metadata.name }, log)
    : undefined;

  const configRef = { object: mdKey, path: 'spec.template.spec.bootstrap.configRef' };
  const config = resolveReference(objects, Kinds.TalosConfigTemplate, spec.bootstrap.configRef, configRef, log);
  const configKey = { kind: 'TalosConfigTemplate', namespace: mdKey.namespace, name: config?.metadata.name ?? '' };
  const talosPatches = config ? talosPatchesFrom(config.spec.template.spec, 'worker', configKey, 'spec.template.spec', log) : undefined;
  const workerTalos = config?.spec.template.spec.talosVersion;
  if (workerTalos !== undefined && talos !== undefined && minorOf(workerTalos) !== minorOf(talos)) {
    log.warnings.push({
      object: configKey,
      path: 'spec.template.spec.talosVersion',
      message: `${workerTalos} is ignored: a cluster runs one Talos version, the control plane's ${talos}`,
    });
  }

  if (spec.version !== undefined && kubernetes !== undefined) {
    const problem = kubeletSkewProblem(spec.version, kubernetes);
    if (problem) log.errors.push({ object: mdKey, path: 'spec.template.spec.version', message: problem });
  }
  const rollout = deploymentStrategy(md, mdKey, log);
  const drainTimeout = drainTimeoutSeconds(spec.nodeDrainTimeout, mdKey, log);
  const drainAction = drainTimeoutActionOf(md.metadata.annotations, mdKey, log);
  if (log.errors.length > errorsBefore || !name || !machine || !talosPatches || !rollout) return undefined;
  return {
    name,
    machine,
    desired: {
      name,
      replicas: md.spec.replicas ?? 1,
      machine: machine.shape,
      ...(spec.version === undefined ? {} : { kubernetesVersion: spec.version }),
      strategy: rollout.strategy,
      deletePolicy: rollout.deletePolicy,
      ...(drainTimeout === undefined ? {} : { nodeDrainTimeoutSeconds: drainTimeout }),
      ...(drainAction === undefined ? {} : { drainTimeoutAction: drainAction }),
      talos: talosPatches,
      ...(config ? { sources: { template: machine.template, config: config.metadata.name } } : {}),
    },
  };
}

/** CAPI's `nodeDrainTimeout` in seconds. Its `0` (no limit) is refused: Capstan bounds every drain, so a stuck PodDisruptionBudget blocks the step visibly instead of hanging it. */
function drainTimeoutSeconds(timeout: string | undefined, mdKey: ObjectKey, log: IssueLog): number | undefined {
  if (timeout === undefined) return undefined;
  const path = 'spec.template.spec.nodeDrainTimeout';
  const seconds = durationSeconds(timeout);
  if (seconds === undefined) {
    log.errors.push({ object: mdKey, path, message: `must be a duration like 90s or 10m, not ${timeout}` });
    return undefined;
  }
  if (seconds === 0) {
    log.warnings.push({
      object: mdKey,
      path,
      message: `0 (drain without a time limit) is not supported: Capstan blocks a drain after ${DesiredMachineDeployment.shape.nodeDrainTimeoutSeconds.parse(undefined)} s and waits for an operator`,
    });
    return undefined;
  }
  return seconds;
}
