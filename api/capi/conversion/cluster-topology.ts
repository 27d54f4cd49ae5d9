import { z } from 'zod';
import type { ClusterTopology, ClusterVariable, MachineDeploymentTopology } from '../cluster-topology.ts';
import { Duration, IntOrString, ObjectReference } from '../meta.ts';
import { MhcUnhealthyCondition } from '../machine-health-check.ts';
import type { ClusterTopologyV1Beta2, MachineDeploymentTopologyV1Beta2, TopologyHealthCheckV1Beta2 } from '../v1beta2/cluster-topology.ts';
import { compact, definedEntries, sameJson } from './compact.ts';
import { ConversionError } from './conversion-error.ts';
import { durationToSeconds, secondsToDuration } from './go-duration.ts';

const root = 'spec.topology';

/**
 * What a v1beta1 topology holds that v1beta2 cannot, by path under `spec.topology`: the cluster-wide
 * rolloutAfter (CAPI dropped it), durations Go would print differently from their seconds, remediation
 * templates with more than apiVersion/kind/name, and `strategy.remediation` when it holds more than maxInFlight.
 */
export const TopologyV1Beta1Remainder = z.object({
  rolloutAfter: z.string().optional(),
  durations: z.record(z.string(), z.string()).optional(),
  remediationTemplates: z.record(z.string(), ObjectReference).optional(),
  strategyRemediations: z.record(z.string(), z.looseObject({})).optional(),
});
export type TopologyV1Beta1Remainder = z.infer<typeof TopologyV1Beta1Remainder>;

/** v1beta1's `machineHealthCheck` of a topology (clusterv1beta1.MachineHealthCheckTopology); other fields are refused. */
const MachineHealthCheckTopologyV1Beta1 = z.strictObject({
  enable: z.boolean().optional(),
  unhealthyConditions: z.array(MhcUnhealthyCondition).optional(),
  nodeStartupTimeout: Duration.optional(),
  maxUnhealthy: IntOrString.optional(),
  unhealthyRange: z.string().optional(),
  remediationTemplate: ObjectReference.optional(),
});
type MachineHealthCheckTopologyV1Beta1 = z.infer<typeof MachineHealthCheckTopologyV1Beta1>;

/** Collects the remainder while converting up. */
class Remainder {
  readonly durations: Record<string, string> = {};
  readonly remediationTemplates: Record<string, ObjectReference> = {};
  readonly strategyRemediations: Record<string, Record<string, unknown>> = {};

  /** The seconds of a v1beta1 duration at `path`, keeping the text when Go would print it otherwise. */
  seconds(text: string | undefined, path: string): number | undefined {
    if (text === undefined) return undefined;
    const seconds = durationToSeconds(text, `${root}.${path}`);
    if (secondsToDuration(seconds) !== text) this.durations[path] = text;
    return seconds;
  }

  result(rolloutAfter: string | undefined): TopologyV1Beta1Remainder | undefined {
    const nonEmpty = <T extends object>(record: T): T | undefined => (Object.keys(record).length > 0 ? record : undefined);
    return compact<TopologyV1Beta1Remainder>({
      rolloutAfter,
      durations: nonEmpty(this.durations),
      remediationTemplates: nonEmpty(this.remediationTemplates),
      strategyRemediations: nonEmpty(this.strategyRemediations),
    });
  }
}

/** v1beta1 → v1beta2: `class` becomes `classRef`, durations become seconds under `deletion`, `machineHealthCheck` becomes `healthCheck`. */
export function topologyToV1Beta2(topology: ClusterTopology): {
  topology: ClusterTopologyV1Beta2;
  kept: TopologyV1Beta1Remainder | undefined;
} {
  const remainder = new Remainder();
  const { class: className, classNamespace, rolloutAfter, controlPlane, workers, variables, ...same } = topology;
  const machineDeployments = workers?.machineDeployments?.map((md, i) =>
    machineDeploymentToV1Beta2(md, `workers.machineDeployments.${i}`, remainder),
  );
  const converted: ClusterTopologyV1Beta2 = {
    ...same,
    classRef: { name: className, ...definedEntries({ namespace: classNamespace }) },
    ...definedEntries({
      controlPlane: controlPlane ? controlPlaneToV1Beta2(controlPlane, remainder) : undefined,
      workers: workers ? { ...definedEntries({ machineDeployments }) } : undefined,
      variables: variables ? variablesToV1Beta2(variables, 'variables') : undefined,
    }),
  };
  return { topology: converted, kept: remainder.result(rolloutAfter) };
}

/** v1beta2 → v1beta1, with what converting up kept. Throws ConversionError naming a field v1beta1 cannot hold. */
export function topologyToV1Beta1(topology: ClusterTopologyV1Beta2, kept: TopologyV1Beta1Remainder | undefined): ClusterTopology {
  const duration = (seconds: number | undefined, path: string): string | undefined => {
    if (seconds === undefined) return undefined;
    const written = kept?.durations?.[path];
    return written !== undefined && durationToSeconds(written, 'the conversion data') === seconds ? written : secondsToDuration(seconds);
  };
  const { classRef, controlPlane, workers, variables, ...same } = topology;
  const cp = controlPlane;
  return {
    ...same,
    class: classRef.name,
    ...definedEntries({
      classNamespace: classRef.namespace,
      rolloutAfter: kept?.rolloutAfter,
      controlPlane: cp
        ? {
            ...definedEntries({
              metadata: cp.metadata,
              replicas: cp.replicas,
              machineHealthCheck: cp.healthCheck ? healthCheckToV1Beta1(cp.healthCheck, 'controlPlane', duration, kept) : undefined,
              nodeDrainTimeout: duration(cp.deletion?.nodeDrainTimeoutSeconds, 'controlPlane.nodeDrainTimeout'),
              nodeVolumeDetachTimeout: duration(cp.deletion?.nodeVolumeDetachTimeoutSeconds, 'controlPlane.nodeVolumeDetachTimeout'),
              nodeDeletionTimeout: duration(cp.deletion?.nodeDeletionTimeoutSeconds, 'controlPlane.nodeDeletionTimeout'),
            }),
          }
        : undefined,
      workers: workers
        ? {
            ...definedEntries({
              machineDeployments: workers.machineDeployments?.map((md, i) =>
                machineDeploymentToV1Beta1(md, `workers.machineDeployments.${i}`, duration, kept),
              ),
            }),
          }
        : undefined,
      variables,
    }),
  };
}

function issueError(error: z.ZodError): ConversionError {
  const issue = error.issues[0];
  return new ConversionError([root, ...(issue?.path ?? []).map(String)].join('.'), issue?.message ?? 'is not a valid topology');
}

function controlPlaneToV1Beta2(
  cp: NonNullable<ClusterTopology['controlPlane']>,
  remainder: Remainder,
): NonNullable<ClusterTopologyV1Beta2['controlPlane']> {
  const { machineHealthCheck, nodeDrainTimeout, nodeVolumeDetachTimeout, nodeDeletionTimeout, ...same } = cp;
  return {
    ...same,
    ...definedEntries({
      healthCheck: machineHealthCheck ? healthCheckToV1Beta2(machineHealthCheck, 'controlPlane', remainder) : undefined,
      deletion: compact({
        nodeDrainTimeoutSeconds: remainder.seconds(nodeDrainTimeout, 'controlPlane.nodeDrainTimeout'),
        nodeVolumeDetachTimeoutSeconds: remainder.seconds(nodeVolumeDetachTimeout, 'controlPlane.nodeVolumeDetachTimeout'),
        nodeDeletionTimeoutSeconds: remainder.seconds(nodeDeletionTimeout, 'controlPlane.nodeDeletionTimeout'),
      }),
    }),
  };
}

function machineDeploymentToV1Beta2(md: MachineDeploymentTopology, path: string, remainder: Remainder): MachineDeploymentTopologyV1Beta2 {
  const { machineHealthCheck, nodeDrainTimeout, nodeVolumeDetachTimeout, nodeDeletionTimeout, strategy, variables, ...same } = md;
  const { maxInFlight, ...otherRemediation } = strategy?.remediation ?? {};
  if (strategy?.remediation && Object.keys(otherRemediation).length > 0) remainder.strategyRemediations[path] = strategy.remediation;
  const health = machineHealthCheck ? healthCheckToV1Beta2(machineHealthCheck, path, remainder) : undefined;
  const inFlight = maxInFlight === undefined ? undefined : intOrString(maxInFlight, `${root}.${path}.strategy.remediation.maxInFlight`);
  return {
    ...same,
    ...definedEntries({
      healthCheck: compact({ ...health, remediation: compact({ ...health?.remediation, maxInFlight: inFlight }) }),
      deletion: compact({
        order: strategy?.rollingUpdate?.deletePolicy,
        nodeDrainTimeoutSeconds: remainder.seconds(nodeDrainTimeout, `${path}.nodeDrainTimeout`),
        nodeVolumeDetachTimeoutSeconds: remainder.seconds(nodeVolumeDetachTimeout, `${path}.nodeVolumeDetachTimeout`),
        nodeDeletionTimeoutSeconds: remainder.seconds(nodeDeletionTimeout, `${path}.nodeDeletionTimeout`),
      }),
      rollout: compact({
        strategy: compact({
          type: strategy?.type,
          rollingUpdate: compact({ maxUnavailable: strategy?.rollingUpdate?.maxUnavailable, maxSurge: strategy?.rollingUpdate?.maxSurge }),
        }),
      }),
      variables: variables
        ? (compact({
            overrides: variables.overrides ? variablesToV1Beta2(variables.overrides, `${path}.variables.overrides`) : undefined,
          }) ?? {})
        : undefined,
    }),
  };
}

type DurationOf = (seconds: number | undefined, path: string) => string | undefined;

function machineDeploymentToV1Beta1(
  md: MachineDeploymentTopologyV1Beta2,
  path: string,
  duration: DurationOf,
  kept: TopologyV1Beta1Remainder | undefined,
): MachineDeploymentTopology {
  const { healthCheck, deletion, rollout, ...same } = md;
  const { maxInFlight, ...otherRemediation } = healthCheck?.remediation ?? {};
  const checks = compact({ ...healthCheck, remediation: compact(otherRemediation) });
  const keptRemediation = kept?.strategyRemediations?.[path];
  return {
    ...same,
    ...definedEntries({
      machineHealthCheck: checks ? healthCheckToV1Beta1(checks, path, duration, kept) : undefined,
      nodeDrainTimeout: duration(deletion?.nodeDrainTimeoutSeconds, `${path}.nodeDrainTimeout`),
      nodeVolumeDetachTimeout: duration(deletion?.nodeVolumeDetachTimeoutSeconds, `${path}.nodeVolumeDetachTimeout`),
      nodeDeletionTimeout: duration(deletion?.nodeDeletionTimeoutSeconds, `${path}.nodeDeletionTimeout`),
      strategy: compact({
        type: rollout?.strategy?.type,
        rollingUpdate: compact({
          maxUnavailable: rollout?.strategy?.rollingUpdate?.maxUnavailable,
          maxSurge: rollout?.strategy?.rollingUpdate?.maxSurge,
          deletePolicy: deletion?.order,
        }),
        // What v1beta1 wrote beside maxInFlight, while maxInFlight still says the same.
        remediation:
          keptRemediation !== undefined && sameJson(keptRemediation.maxInFlight, maxInFlight) ? keptRemediation : compact({ maxInFlight }),
      }),
    }),
  };
}

function healthCheckToV1Beta2(input: Record<string, unknown>, path: string, remainder: Remainder): TopologyHealthCheckV1Beta2 {
  const field = `${path}.machineHealthCheck`;
  const result = MachineHealthCheckTopologyV1Beta1.safeParse(input);
  if (!result.success) throw issueError(prefixed(result.error, field));
  const mhc: MachineHealthCheckTopologyV1Beta1 = result.data;
  const template = mhc.remediationTemplate;
  if (template && (template.apiVersion === undefined || template.kind === undefined)) {
    throw new ConversionError(`${root}.${field}.remediationTemplate`, 'needs apiVersion and kind to convert to v1beta2');
  }
  const templateRef =
    template?.apiVersion !== undefined && template.kind !== undefined
      ? { apiVersion: template.apiVersion, kind: template.kind, name: template.name }
      : undefined;
  if (template && !sameJson(template, templateRef)) remainder.remediationTemplates[field] = template;
  return {
    ...definedEntries({
      enabled: mhc.enable,
      checks: compact({
        nodeStartupTimeoutSeconds: remainder.seconds(mhc.nodeStartupTimeout, `${field}.nodeStartupTimeout`),
        unhealthyNodeConditions: mhc.unhealthyConditions?.map((c, i) => ({
          type: c.type,
          status: c.status,
          timeoutSeconds: remainder.seconds(c.timeout, `${field}.unhealthyConditions.${i}.timeout`) ?? 0,
        })),
      }),
      remediation: compact({
        triggerIf: compact({ unhealthyLessThanOrEqualTo: mhc.maxUnhealthy, unhealthyInRange: mhc.unhealthyRange }),
        templateRef,
      }),
    }),
  };
}

function healthCheckToV1Beta1(
  health: TopologyHealthCheckV1Beta2,
  path: string,
  duration: DurationOf,
  kept: TopologyV1Beta1Remainder | undefined,
): Record<string, unknown> {
  const field = `${path}.machineHealthCheck`;
  const templateRef = health.remediation?.templateRef;
  const keptTemplate = kept?.remediationTemplates?.[field];
  const sameTemplate =
    keptTemplate !== undefined &&
    templateRef !== undefined &&
    keptTemplate.apiVersion === templateRef.apiVersion &&
    keptTemplate.kind === templateRef.kind &&
    keptTemplate.name === templateRef.name;
  return {
    ...definedEntries({
      enable: health.enabled,
      unhealthyConditions: health.checks?.unhealthyNodeConditions?.map((c, i) => ({
        type: c.type,
        status: c.status,
        timeout: duration(c.timeoutSeconds, `${field}.unhealthyConditions.${i}.timeout`),
      })),
      nodeStartupTimeout: duration(health.checks?.nodeStartupTimeoutSeconds, `${field}.nodeStartupTimeout`),
      maxUnhealthy: health.remediation?.triggerIf?.unhealthyLessThanOrEqualTo,
      unhealthyRange: health.remediation?.triggerIf?.unhealthyInRange,
      remediationTemplate: sameTemplate ? keptTemplate : templateRef,
    }),
  };
}

// v1beta2 has no `definitionFrom` (variable discovery from runtime extensions, which Capstan refuses anyway).
function variablesToV1Beta2(variables: ClusterVariable[], path: string): { name: string; value: unknown }[] {
  return variables.map(({ definitionFrom, ...variable }, i) => {
    if (definitionFrom !== undefined) {
      throw new ConversionError(`${root}.${path}.${i}.definitionFrom`, 'has no v1beta2 form (CAPI removed it); remove it');
    }
    return variable;
  });
}

function intOrString(value: unknown, field: string): IntOrString {
  const result = IntOrString.safeParse(value);
  if (!result.success) throw new ConversionError(field, `${JSON.stringify(value)} is not a count or a percentage like 25%`);
  return result.data;
}

function prefixed(error: z.ZodError, path: string): z.ZodError {
  return new z.ZodError(error.issues.map((issue) => ({ ...issue, path: [...path.split('.'), ...issue.path] })));
}
