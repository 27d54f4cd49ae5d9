/**
 * Conversion between cluster.x-k8s.io v1beta1 (what Capstan's code reads and writes) and v1beta2
 * (CAPI's storage version since v1.11), for the CRDs' conversion webhook.
 *
 * Cluster
 *   spec.controlPlaneRef / infrastructureRef   ObjectReference ↔ {apiGroup, kind, name}
 *   spec.topology.class / classNamespace       ↔ spec.topology.classRef.{name, namespace} (the rest as written)
 *   status.infrastructureReady                 ↔ status.initialization.infrastructureProvisioned
 *   status.controlPlaneReady                   ↔ status.initialization.controlPlaneInitialized
 *   status.failureDomains (map by name)        ↔ status.failureDomains (list, sorted by name)
 *   status.conditions, failureReason/Message   ↔ status.deprecated.v1beta1.*
 *   status.v1beta2.{conditions, controlPlane, workers} ↔ status.{conditions, controlPlane, workers}
 * MachineHealthCheck
 *   spec.nodeStartupTimeout, unhealthyConditions[].timeout ↔ spec.checks.nodeStartupTimeoutSeconds, unhealthyNodeConditions[].timeoutSeconds
 *   spec.maxUnhealthy, unhealthyRange          ↔ spec.remediation.triggerIf.unhealthyLessThanOrEqualTo, unhealthyInRange
 *   spec.remediationTemplate                   ↔ spec.remediation.templateRef {apiVersion, kind, name}
 *   status.conditions ↔ status.deprecated.v1beta1.conditions; status.v1beta2.conditions ↔ status.conditions
 * MachineSet
 *   spec.deletePolicy ↔ spec.deletion.order; spec.minReadySeconds ↔ spec.template.spec.minReadySeconds
 *   status.fullyLabeled/ready/availableReplicas, conditions, failure* ↔ status.deprecated.v1beta1.*
 *   status.v1beta2.{conditions, ready/available/upToDateReplicas} ↔ status.{...}
 * Machine (spec as a MachineDeployment's template.spec)
 *   status.bootstrapReady, infrastructureReady ↔ status.initialization.bootstrapDataSecretCreated, infrastructureProvisioned
 *   status.nodeRef (ObjectReference)          ↔ status.nodeRef {name}; the rest (uid) in status.deprecated.v1beta1.nodeRef
 *   status.conditions, failure*                ↔ status.deprecated.v1beta1.*; status.v1beta2.conditions ↔ status.conditions
 * MachineDeployment
 *   spec.strategy.type, rollingUpdate.maxSurge/maxUnavailable ↔ spec.rollout.strategy.*
 *   spec.strategy.rollingUpdate.deletePolicy   ↔ spec.deletion.order
 *   spec.strategy.remediation.maxInFlight      ↔ spec.remediation.maxInFlight
 *   spec.rolloutAfter                          ↔ spec.rollout.after
 *   spec.minReadySeconds                       ↔ spec.template.spec.minReadySeconds
 *   spec.template.spec refs                    ObjectReference ↔ {apiGroup, kind, name}
 *   spec.template.spec.node*Timeout (duration) ↔ spec.template.spec.deletion.node*TimeoutSeconds
 *   status.updated/ready/available/unavailableReplicas, conditions, failure* ↔ status.deprecated.v1beta1.*
 *   status.v1beta2.{conditions, ready/available/upToDateReplicas} ↔ status.{conditions, ready/available/upToDateReplicas}
 *
 * A v1beta1 status without `v1beta2` (Capstan's controller writes none) shows v1beta2 readers its
 * conditions as metav1 conditions and its counts under v1beta2's names; going back, a `v1beta2`
 * block that says no more than that is omitted, so both directions round-trip.
 *
 * What has no home on the other side rides in the `cluster.x-k8s.io/conversion-data` annotation,
 * as CAPI's webhooks do, and is restored (then removed) when the object is converted back:
 *   v1beta1 → v1beta2: references whole when they carry more than group, kind, name and Capstan's
 *     served version (another version, namespace, uid...); durations Go would print differently
 *     (`2m`, `1.5s`); revisionHistoryLimit, progressDeadlineSeconds; strategy.remediation whole
 *     when it holds more than maxInFlight.
 *     MachineHealthCheck: timeouts as written, remediationTemplate whole when it has a namespace...
 *   v1beta2 → v1beta1: spec.machineNaming (MachineDeployment, MachineSet); spec.template.spec (or a
 *     Machine's spec) readinessGates and taints; a Machine's spec.minReadySeconds;
 *     MachineHealthCheck spec.checks.unhealthyMachineConditions.
 * A kept reference or duration is restored only while the converted value still says the same,
 * so an edit made in the other version wins. Status needs no annotation (status writes through
 * the /status subresource cannot change annotations).
 */
import type { z } from 'zod';
import { Cluster } from '../cluster.ts';
import { capiGroup, capiStorageVersion, capiVersion } from '../groups.ts';
import { MachineDeployment } from '../machine-deployment.ts';
import { MachineHealthCheck } from '../machine-health-check.ts';
import { MachineSet } from '../machine-set.ts';
import { Machine } from '../machine.ts';
import { ClusterV1Beta2 } from '../v1beta2/cluster.ts';
import { MachineDeploymentV1Beta2 } from '../v1beta2/machine-deployment.ts';
import { MachineHealthCheckV1Beta2 } from '../v1beta2/machine-health-check.ts';
import { MachineSetV1Beta2 } from '../v1beta2/machine-set.ts';
import { MachineV1Beta2 } from '../v1beta2/machine.ts';
import { clusterToV1Beta1, clusterToV1Beta2 } from './cluster.ts';
import { ConversionError } from './conversion-error.ts';
import { machineDeploymentToV1Beta1, machineDeploymentToV1Beta2 } from './machine-deployment.ts';
import { machineHealthCheckToV1Beta1, machineHealthCheckToV1Beta2 } from './machine-health-check.ts';
import { machineSetToV1Beta1, machineSetToV1Beta2 } from './machine-set.ts';
import { machineToV1Beta1, machineToV1Beta2 } from './machine.ts';

const v1beta1 = `${capiGroup}/${capiVersion}`;
const v1beta2 = `${capiGroup}/${capiStorageVersion}`;

interface KindConversion<Old, New> {
  readonly old: z.ZodType<Old>;
  readonly new: z.ZodType<New>;
  readonly up: (object: Old) => New;
  readonly down: (object: New) => Old;
}

const define = <Old, New>(conversion: KindConversion<Old, New>): KindConversion<unknown, unknown> =>
  conversion as unknown as KindConversion<unknown, unknown>;

/** The kinds the webhook converts between cluster.x-k8s.io v1beta1 and v1beta2. */
const kinds: Readonly<Record<string, KindConversion<unknown, unknown>>> = {
  Cluster: define({ old: Cluster, new: ClusterV1Beta2, up: clusterToV1Beta2, down: clusterToV1Beta1 }),
  MachineDeployment: define({
    old: MachineDeployment,
    new: MachineDeploymentV1Beta2,
    up: machineDeploymentToV1Beta2,
    down: machineDeploymentToV1Beta1,
  }),
  MachineHealthCheck: define({
    old: MachineHealthCheck,
    new: MachineHealthCheckV1Beta2,
    up: machineHealthCheckToV1Beta2,
    down: machineHealthCheckToV1Beta1,
  }),
  MachineSet: define({ old: MachineSet, new: MachineSetV1Beta2, up: machineSetToV1Beta2, down: machineSetToV1Beta1 }),
  Machine: define({ old: Machine, new: MachineV1Beta2, up: machineToV1Beta2, down: machineToV1Beta1 }),
};

/** The kinds `convertObject` knows. */
export const convertibleKinds: readonly string[] = Object.keys(kinds);

/**
 * The object in `desiredApiVersion`. Throws ConversionError naming the field when the object is
 * not a valid one of its version or has no form in the other.
 */
export function convertObject(object: unknown, desiredApiVersion: string): Record<string, unknown> {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new ConversionError('(object)', 'is not a JSON object');
  const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
  const conversion = typeof kind === 'string' ? kinds[kind] : undefined;
  if (conversion === undefined)
    throw new ConversionError('kind', `${JSON.stringify(kind)} is not converted (only ${convertibleKinds.join(', ')})`);
  for (const [field, version] of [
    ['apiVersion', apiVersion],
    ['desiredAPIVersion', desiredApiVersion],
  ] as const) {
    if (version !== v1beta1 && version !== v1beta2)
      throw new ConversionError(field, `${JSON.stringify(version)} is neither ${v1beta1} nor ${v1beta2}`);
  }
  if (apiVersion === desiredApiVersion) return object as Record<string, unknown>;
  const from = apiVersion === v1beta1 ? conversion.old : conversion.new;
  const parsed = from.safeParse(object);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConversionError(issue?.path.join('.') ?? '(object)', `${issue?.message ?? 'invalid'} (in ${String(apiVersion)})`);
  }
  return (apiVersion === v1beta1 ? conversion.up(parsed.data) : conversion.down(parsed.data)) as Record<string, unknown>;
}
