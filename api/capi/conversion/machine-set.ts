import { z } from 'zod';
import { capiGroup, capiStorageVersion, capiVersion } from '../groups.ts';
import type { MachineSet, MachineSetStatus } from '../machine-set.ts';
import { MachineSetSpecV1Beta2, type MachineSetStatusV1Beta2, type MachineSetV1Beta2 } from '../v1beta2/machine-set.ts';
import { compact, definedEntries, sameJson } from './compact.ts';
import { metaConditionsFrom } from './conditions.ts';
import { putConversionData, takeConversionData } from './conversion-data.ts';
import { machineSpecToV1Beta1, machineSpecToV1Beta2, MachineSpecV1Beta1Remainder, MachineSpecV1Beta2Remainder } from './machine-spec.ts';

/** What a v1beta1 MachineSet holds that v1beta2 cannot. */
const MachineSetV1Beta1Remainder = z.object({ spec: z.object({ template: z.object({ spec: MachineSpecV1Beta1Remainder }) }) });

/** What a v1beta2 MachineSet holds that v1beta1 cannot. */
const MachineSetV1Beta2Remainder = z.object({
  spec: z.object({
    machineNaming: MachineSetSpecV1Beta2.shape.machineNaming,
    template: z.object({ spec: MachineSpecV1Beta2Remainder }).optional(),
  }),
});
type MachineSetV1Beta2Remainder = z.infer<typeof MachineSetV1Beta2Remainder>;

/** v1beta1 → v1beta2: deletePolicy under `deletion.order`, minReadySeconds into the machine template. */
export function machineSetToV1Beta2(set: MachineSet): MachineSetV1Beta2 {
  const { kept, metadata } = takeConversionData(set.metadata, MachineSetV1Beta2Remainder);
  const { minReadySeconds, deletePolicy, template, ...sameSpec } = set.spec;
  const machine = machineSpecToV1Beta2(template.spec, kept?.spec.template?.spec, 'spec.template.spec');
  return {
    apiVersion: `${capiGroup}/${capiStorageVersion}`,
    ...(set.kind !== undefined ? { kind: set.kind } : {}),
    metadata: putConversionData(metadata, machine.remainder ? { spec: { template: { spec: machine.remainder } } } : undefined),
    spec: {
      ...sameSpec,
      template: { ...template, spec: { ...machine.spec, ...definedEntries({ minReadySeconds }) } },
      ...definedEntries({ deletion: compact({ order: deletePolicy }), machineNaming: kept?.spec.machineNaming }),
    },
    ...(set.status ? { status: statusToV1Beta2(set.status) } : {}),
  };
}

/** v1beta2 → v1beta1. */
export function machineSetToV1Beta1(set: MachineSetV1Beta2): MachineSet {
  const { kept, metadata } = takeConversionData(set.metadata, MachineSetV1Beta1Remainder);
  const { deletion, machineNaming, template, ...sameSpec } = set.spec;
  const machine = machineSpecToV1Beta1(template.spec, kept?.spec.template.spec, 'spec.template.spec');
  const remainder = compact<MachineSetV1Beta2Remainder['spec']>({
    machineNaming,
    template: machine.remainder ? { spec: machine.remainder } : undefined,
  });
  return {
    apiVersion: `${capiGroup}/${capiVersion}`,
    ...(set.kind !== undefined ? { kind: set.kind } : {}),
    metadata: putConversionData(metadata, remainder ? { spec: remainder } : undefined),
    spec: {
      ...sameSpec,
      template: { ...template, spec: machine.spec },
      ...definedEntries({ minReadySeconds: template.spec.minReadySeconds, deletePolicy: deletion?.order }),
    },
    ...(set.status ? { status: statusToV1Beta1(set.status) } : {}),
  };
}

type Preview = NonNullable<MachineSetStatus['v1beta2']>;

// v1beta2's view of a status written in v1beta1 only (v1beta1 has no count of up-to-date machines).
function derivedPreview(status: MachineSetStatus): Preview | undefined {
  return compact<Preview>({
    conditions: status.conditions ? metaConditionsFrom(status.conditions) : undefined,
    readyReplicas: status.readyReplicas,
    availableReplicas: status.availableReplicas,
  });
}

function statusToV1Beta2(status: MachineSetStatus): MachineSetStatusV1Beta2 {
  const { conditions, failureReason, failureMessage, fullyLabeledReplicas, readyReplicas, availableReplicas, v1beta2, ...same } = status;
  const preview = v1beta2 ?? derivedPreview(status);
  return {
    ...same,
    ...definedEntries({
      conditions: preview?.conditions,
      readyReplicas: preview?.readyReplicas,
      availableReplicas: preview?.availableReplicas,
      upToDateReplicas: preview?.upToDateReplicas,
      deprecated: compact({
        v1beta1: compact({ conditions, failureReason, failureMessage, fullyLabeledReplicas, readyReplicas, availableReplicas }),
      }),
    }),
  };
}

function statusToV1Beta1(status: MachineSetStatusV1Beta2): MachineSetStatus {
  const { conditions, readyReplicas, availableReplicas, upToDateReplicas, deprecated, ...same } = status;
  const converted: MachineSetStatus = { ...same, ...definedEntries(deprecated?.v1beta1 ?? {}) };
  const preview = compact<Preview>({ conditions, readyReplicas, availableReplicas, upToDateReplicas });
  // Omitted when converting up derives it again; `{}` when there is nothing to derive it from.
  return sameJson(preview, derivedPreview(converted)) ? converted : { ...converted, v1beta2: preview ?? {} };
}
