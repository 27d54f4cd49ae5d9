import { z } from 'zod';
import { capiGroup, capiStorageVersion, capiVersion } from '../groups.ts';
import type { MachineDeployment, MachineDeploymentStatus } from '../machine-deployment.ts';
import type { MachineDeploymentStatusV1Beta2, MachineDeploymentV1Beta2 } from '../v1beta2/machine-deployment.ts';
import { MachineDeploymentSpecV1Beta2 } from '../v1beta2/machine-deployment.ts';
import { IntOrString } from '../meta.ts';
import { compact, definedEntries, sameJson } from './compact.ts';
import { metaConditionsFrom } from './conditions.ts';
import { putConversionData, takeConversionData } from './conversion-data.ts';
import { ConversionError } from './conversion-error.ts';
import { machineSpecToV1Beta1, machineSpecToV1Beta2, MachineSpecV1Beta1Remainder, MachineSpecV1Beta2Remainder } from './machine-spec.ts';

/** What a v1beta1 MachineDeployment holds that v1beta2 cannot (v1beta2 dropped the first two). */
const MachineDeploymentV1Beta1Remainder = z.object({
  spec: z.object({
    revisionHistoryLimit: z.number().int().optional(),
    progressDeadlineSeconds: z.number().int().optional(),
    /** `strategy.remediation` whole when it holds more than `maxInFlight` (Capstan's schema keeps any field there). */
    remediation: z.looseObject({}).optional(),
    template: z.object({ spec: MachineSpecV1Beta1Remainder }).optional(),
  }),
});
type MachineDeploymentV1Beta1Remainder = z.infer<typeof MachineDeploymentV1Beta1Remainder>;

/** What a v1beta2 MachineDeployment holds that v1beta1 cannot. */
const MachineDeploymentV1Beta2Remainder = z.object({
  spec: z.object({
    machineNaming: MachineDeploymentSpecV1Beta2.shape.machineNaming,
    template: z.object({ spec: MachineSpecV1Beta2Remainder }).optional(),
  }),
});
type MachineDeploymentV1Beta2Remainder = z.infer<typeof MachineDeploymentV1Beta2Remainder>;

/** v1beta1 → v1beta2: `strategy` splits into `rollout`, `remediation` and `deletion`; durations become seconds. */
export function machineDeploymentToV1Beta2(md: MachineDeployment): MachineDeploymentV1Beta2 {
  const { kept, metadata } = takeConversionData(md.metadata, MachineDeploymentV1Beta2Remainder);
  const { strategy, minReadySeconds, revisionHistoryLimit, progressDeadlineSeconds, rolloutAfter, template, ...sameSpec } = md.spec;
  const machine = machineSpecToV1Beta2(template.spec, kept?.spec.template?.spec, 'spec.template.spec');
  const { maxInFlight, ...otherRemediation } = strategy?.remediation ?? {};
  const remainderSpec = compact<MachineDeploymentV1Beta1Remainder['spec']>({
    revisionHistoryLimit,
    progressDeadlineSeconds,
    remediation: Object.keys(otherRemediation).length > 0 ? strategy?.remediation : undefined,
    template: machine.remainder ? { spec: machine.remainder } : undefined,
  });
  return {
    apiVersion: `${capiGroup}/${capiStorageVersion}`,
    ...(md.kind !== undefined ? { kind: md.kind } : {}),
    metadata: putConversionData(metadata, remainderSpec ? { spec: remainderSpec } : undefined),
    spec: {
      ...sameSpec,
      template: { ...template, spec: { ...machine.spec, ...definedEntries({ minReadySeconds }) } },
      ...definedEntries({
        rollout: compact({
          after: rolloutAfter,
          strategy: compact({
            type: strategy?.type,
            rollingUpdate: compact({
              maxUnavailable: strategy?.rollingUpdate?.maxUnavailable,
              maxSurge: strategy?.rollingUpdate?.maxSurge,
            }),
          }),
        }),
        remediation: compact({
          maxInFlight: maxInFlight === undefined ? undefined : intOrString(maxInFlight, 'spec.strategy.remediation.maxInFlight'),
        }),
        deletion: compact({ order: strategy?.rollingUpdate?.deletePolicy }),
        machineNaming: kept?.spec.machineNaming,
      }),
    },
    ...(md.status ? { status: statusToV1Beta2(md.status) } : {}),
  };
}

/** v1beta2 → v1beta1: `rollout`, `remediation` and `deletion` fold back into `strategy`; seconds become durations. */
export function machineDeploymentToV1Beta1(md: MachineDeploymentV1Beta2): MachineDeployment {
  const { kept, metadata } = takeConversionData(md.metadata, MachineDeploymentV1Beta1Remainder);
  const { rollout, remediation, deletion, machineNaming, template, ...sameSpec } = md.spec;
  const machine = machineSpecToV1Beta1(template.spec, kept?.spec.template?.spec, 'spec.template.spec');
  const keptRemediation = kept?.spec.remediation;
  const remainderSpec = compact<MachineDeploymentV1Beta2Remainder['spec']>({
    machineNaming,
    template: machine.remainder ? { spec: machine.remainder } : undefined,
  });
  return {
    apiVersion: `${capiGroup}/${capiVersion}`,
    ...(md.kind !== undefined ? { kind: md.kind } : {}),
    metadata: putConversionData(metadata, remainderSpec ? { spec: remainderSpec } : undefined),
    spec: {
      ...sameSpec,
      template: { ...template, spec: machine.spec },
      ...definedEntries({
        minReadySeconds: template.spec.minReadySeconds,
        revisionHistoryLimit: kept?.spec.revisionHistoryLimit,
        progressDeadlineSeconds: kept?.spec.progressDeadlineSeconds,
        rolloutAfter: rollout?.after,
        strategy: compact({
          type: rollout?.strategy?.type,
          rollingUpdate: compact({
            maxUnavailable: rollout?.strategy?.rollingUpdate?.maxUnavailable,
            maxSurge: rollout?.strategy?.rollingUpdate?.maxSurge,
            deletePolicy: deletion?.order,
          }),
          // What v1beta1 wrote beside maxInFlight, while maxInFlight still says the same.
          remediation:
            keptRemediation !== undefined && sameJson(keptRemediation.maxInFlight, remediation?.maxInFlight)
              ? keptRemediation
              : compact({ maxInFlight: remediation?.maxInFlight }),
        }),
      }),
    },
    ...(md.status ? { status: statusToV1Beta1(md.status) } : {}),
  };
}

function intOrString(value: unknown, field: string): IntOrString {
  const parsed = IntOrString.safeParse(value);
  if (!parsed.success) throw new ConversionError(field, `${JSON.stringify(value)} is not a count or a percentage like 25%`);
  return parsed.data;
}

type Preview = NonNullable<MachineDeploymentStatus['v1beta2']>;

// v1beta2's view of a status Capstan wrote in v1beta1 only: its conditions, and its counts under
// v1beta2's names (updated machines are the up-to-date ones).
function derivedPreview(status: MachineDeploymentStatus): Preview | undefined {
  return compact<Preview>({
    conditions: status.conditions ? metaConditionsFrom(status.conditions) : undefined,
    readyReplicas: status.readyReplicas,
    availableReplicas: status.availableReplicas,
    upToDateReplicas: status.updatedReplicas,
  });
}

function statusToV1Beta2(status: MachineDeploymentStatus): MachineDeploymentStatusV1Beta2 {
  const {
    conditions,
    updatedReplicas,
    readyReplicas,
    availableReplicas,
    unavailableReplicas,
    failureReason,
    failureMessage,
    v1beta2,
    ...same
  } = status;
  const preview = v1beta2 ?? derivedPreview(status);
  return {
    ...same,
    ...definedEntries({
      conditions: preview?.conditions,
      readyReplicas: preview?.readyReplicas,
      availableReplicas: preview?.availableReplicas,
      upToDateReplicas: preview?.upToDateReplicas,
      deprecated: compact({
        v1beta1: compact({
          conditions,
          updatedReplicas,
          readyReplicas,
          availableReplicas,
          unavailableReplicas,
          failureReason,
          failureMessage,
        }),
      }),
    }),
  };
}

function statusToV1Beta1(status: MachineDeploymentStatusV1Beta2): MachineDeploymentStatus {
  const { conditions, readyReplicas, availableReplicas, upToDateReplicas, deprecated, ...same } = status;
  const old = deprecated?.v1beta1 ?? {};
  const converted: MachineDeploymentStatus = { ...same, ...definedEntries(old) };
  const preview = compact<Preview>({ conditions, readyReplicas, availableReplicas, upToDateReplicas });
  // Omitted when converting up would derive it again from the v1beta1 fields; `{}` when there is
  // nothing to derive from them because the v1beta2 object had none of it.
  return sameJson(preview, derivedPreview(converted)) ? converted : { ...converted, v1beta2: preview ?? {} };
}
