import { z } from 'zod';
import { capiGroup, capiStorageVersion, capiVersion } from '../groups.ts';
import type { MachineHealthCheck, MachineHealthCheckStatus } from '../machine-health-check.ts';
import { ObjectReference } from '../meta.ts';
import type { MachineHealthCheckStatusV1Beta2, MachineHealthCheckV1Beta2 } from '../v1beta2/machine-health-check.ts';
import { MachineHealthCheckSpecV1Beta2 } from '../v1beta2/machine-health-check.ts';
import { compact, definedEntries, sameJson } from './compact.ts';
import { metaConditionsFrom } from './conditions.ts';
import { putConversionData, takeConversionData } from './conversion-data.ts';
import { ConversionError } from './conversion-error.ts';
import { durationToSeconds, secondsToDuration } from './go-duration.ts';

/** What a v1beta1 MachineHealthCheck holds that v1beta2 cannot: durations as written, the remediation template whole. */
const MachineHealthCheckV1Beta1Remainder = z.object({
  spec: z.object({
    nodeStartupTimeout: z.string().optional(),
    /** By position in unhealthyConditions; null where Go prints the timeout as written. */
    unhealthyConditionTimeouts: z.array(z.string().nullable()).optional(),
    remediationTemplate: ObjectReference.optional(),
  }),
});
type MachineHealthCheckV1Beta1Remainder = z.infer<typeof MachineHealthCheckV1Beta1Remainder>;

/** What a v1beta2 MachineHealthCheck holds that Capstan's v1beta1 cannot. */
const MachineHealthCheckV1Beta2Remainder = z.object({
  spec: z.object({
    checks: z.object({ unhealthyMachineConditions: MachineHealthCheckSpecV1Beta2.shape.checks.unwrap().shape.unhealthyMachineConditions }),
  }),
});

// The written duration when Go would print its seconds differently, for the conversion data.
const asWritten = (text: string, field: string): string | undefined =>
  secondsToDuration(durationToSeconds(text, field)) === text ? undefined : text;

// The kept duration while it still says `seconds`, else Go's form of them.
const duration = (seconds: number, kept: string | null | undefined): string =>
  typeof kept === 'string' && durationToSeconds(kept, 'the conversion data') === seconds ? kept : secondsToDuration(seconds);

/** v1beta1 → v1beta2: the checks under `checks`, maxUnhealthy and unhealthyRange under `remediation.triggerIf`. */
export function machineHealthCheckToV1Beta2(mhc: MachineHealthCheck): MachineHealthCheckV1Beta2 {
  const { kept, metadata } = takeConversionData(mhc.metadata, MachineHealthCheckV1Beta2Remainder);
  const { unhealthyConditions, nodeStartupTimeout, maxUnhealthy, unhealthyRange, remediationTemplate, ...same } = mhc.spec;
  if (remediationTemplate && (remediationTemplate.apiVersion === undefined || remediationTemplate.kind === undefined)) {
    throw new ConversionError('spec.remediationTemplate', 'needs apiVersion and kind to convert to v1beta2');
  }
  const timeouts = (unhealthyConditions ?? []).map((c, i) => asWritten(c.timeout, `spec.unhealthyConditions.${i}.timeout`) ?? null);
  const templateExtra =
    remediationTemplate &&
    (remediationTemplate.namespace !== undefined ||
      remediationTemplate.uid !== undefined ||
      remediationTemplate.resourceVersion !== undefined ||
      remediationTemplate.fieldPath !== undefined);
  const remainder = compact<MachineHealthCheckV1Beta1Remainder['spec']>({
    nodeStartupTimeout: asWritten(nodeStartupTimeout, 'spec.nodeStartupTimeout'),
    unhealthyConditionTimeouts: timeouts.some((t) => t !== null) ? timeouts : undefined,
    remediationTemplate: templateExtra ? remediationTemplate : undefined,
  });
  return {
    apiVersion: `${capiGroup}/${capiStorageVersion}`,
    ...(mhc.kind !== undefined ? { kind: mhc.kind } : {}),
    metadata: putConversionData(metadata, remainder ? { spec: remainder } : undefined),
    spec: {
      ...same,
      checks: {
        nodeStartupTimeoutSeconds: durationToSeconds(nodeStartupTimeout, 'spec.nodeStartupTimeout'),
        ...definedEntries({
          unhealthyNodeConditions: unhealthyConditions?.map((c, i) => ({
            type: c.type,
            status: c.status,
            timeoutSeconds: durationToSeconds(c.timeout, `spec.unhealthyConditions.${i}.timeout`),
          })),
          unhealthyMachineConditions: kept?.spec.checks.unhealthyMachineConditions,
        }),
      },
      remediation: {
        triggerIf: { unhealthyLessThanOrEqualTo: maxUnhealthy, ...definedEntries({ unhealthyInRange: unhealthyRange }) },
        ...(remediationTemplate?.apiVersion !== undefined && remediationTemplate.kind !== undefined
          ? { templateRef: { apiVersion: remediationTemplate.apiVersion, kind: remediationTemplate.kind, name: remediationTemplate.name } }
          : {}),
      },
    },
    ...(mhc.status ? { status: statusToV1Beta2(mhc.status) } : {}),
  };
}

/** v1beta2 → v1beta1. */
export function machineHealthCheckToV1Beta1(mhc: MachineHealthCheckV1Beta2): MachineHealthCheck {
  const { kept, metadata } = takeConversionData(mhc.metadata, MachineHealthCheckV1Beta1Remainder);
  const { checks, remediation, ...same } = mhc.spec;
  const keptTemplate = kept?.spec.remediationTemplate;
  const templateRef = remediation.templateRef;
  const sameTemplate =
    keptTemplate !== undefined &&
    templateRef !== undefined &&
    keptTemplate.apiVersion === templateRef.apiVersion &&
    keptTemplate.kind === templateRef.kind &&
    keptTemplate.name === templateRef.name;
  const machineConditions = checks.unhealthyMachineConditions;
  return {
    apiVersion: `${capiGroup}/${capiVersion}`,
    ...(mhc.kind !== undefined ? { kind: mhc.kind } : {}),
    metadata: putConversionData(
      metadata,
      machineConditions ? { spec: { checks: { unhealthyMachineConditions: machineConditions } } } : undefined,
    ),
    spec: {
      ...same,
      nodeStartupTimeout: duration(checks.nodeStartupTimeoutSeconds, kept?.spec.nodeStartupTimeout),
      maxUnhealthy: remediation.triggerIf.unhealthyLessThanOrEqualTo,
      ...definedEntries({
        unhealthyConditions: checks.unhealthyNodeConditions?.map((c, i) => ({
          type: c.type,
          status: c.status,
          timeout: duration(c.timeoutSeconds, kept?.spec.unhealthyConditionTimeouts?.[i]),
        })),
        unhealthyRange: remediation.triggerIf.unhealthyInRange,
        remediationTemplate: sameTemplate ? keptTemplate : templateRef,
      }),
    },
    ...(mhc.status ? { status: statusToV1Beta1(mhc.status) } : {}),
  };
}

type Preview = NonNullable<MachineHealthCheckStatus['v1beta2']>;

const derivedPreview = (conditions: MachineHealthCheckStatus['conditions']): Preview | undefined =>
  conditions ? { conditions: metaConditionsFrom(conditions) } : undefined;

function statusToV1Beta2(status: MachineHealthCheckStatus): MachineHealthCheckStatusV1Beta2 {
  const { conditions, v1beta2, ...same } = status;
  const preview = v1beta2 ?? derivedPreview(conditions);
  return {
    ...same,
    ...definedEntries({ conditions: preview?.conditions, deprecated: compact({ v1beta1: compact({ conditions }) }) }),
  };
}

function statusToV1Beta1(status: MachineHealthCheckStatusV1Beta2): MachineHealthCheckStatus {
  const { conditions: metaConditions, deprecated, ...same } = status;
  const conditions = deprecated?.v1beta1?.conditions;
  const preview = compact<Preview>({ conditions: metaConditions });
  const converted: MachineHealthCheckStatus = { ...same, ...definedEntries({ conditions }) };
  // Omitted when converting up derives it again; `{}` when there is nothing to derive it from.
  return sameJson(preview, derivedPreview(conditions)) ? converted : { ...converted, v1beta2: preview ?? {} };
}
