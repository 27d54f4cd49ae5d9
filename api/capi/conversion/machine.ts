import { z } from 'zod';
import { capiGroup, capiStorageVersion, capiVersion } from '../groups.ts';
import type { Machine, MachineStatus } from '../machine.ts';
import type { ObjectReference } from '../meta.ts';
import type { MachineStatusV1Beta2, MachineV1Beta2 } from '../v1beta2/machine.ts';
import { compact, definedEntries, sameJson } from './compact.ts';
import { metaConditionsFrom } from './conditions.ts';
import { putConversionData, takeConversionData } from './conversion-data.ts';
import { machineSpecToV1Beta1, machineSpecToV1Beta2, MachineSpecV1Beta1Remainder, MachineSpecV1Beta2Remainder } from './machine-spec.ts';

/** What a v1beta1 Machine holds that v1beta2 cannot. */
const MachineV1Beta1Remainder = z.object({ spec: MachineSpecV1Beta1Remainder });

/** What a v1beta2 Machine holds that v1beta1 cannot (v1beta1 Machines have no minReadySeconds). */
const MachineV1Beta2Remainder = z.object({ spec: MachineSpecV1Beta2Remainder.extend({ minReadySeconds: z.number().int().optional() }) });

/** v1beta1 → v1beta2. */
export function machineToV1Beta2(machine: Machine): MachineV1Beta2 {
  const { kept, metadata } = takeConversionData(machine.metadata, MachineV1Beta2Remainder);
  const converted = machineSpecToV1Beta2(machine.spec, kept?.spec, 'spec');
  return {
    apiVersion: `${capiGroup}/${capiStorageVersion}`,
    ...(machine.kind !== undefined ? { kind: machine.kind } : {}),
    metadata: putConversionData(metadata, converted.remainder ? { spec: converted.remainder } : undefined),
    spec: { ...converted.spec, ...definedEntries({ minReadySeconds: kept?.spec.minReadySeconds }) },
    ...(machine.status ? { status: statusToV1Beta2(machine.status) } : {}),
  };
}

/** v1beta2 → v1beta1. */
export function machineToV1Beta1(machine: MachineV1Beta2): Machine {
  const { kept, metadata } = takeConversionData(machine.metadata, MachineV1Beta1Remainder);
  const converted = machineSpecToV1Beta1(machine.spec, kept?.spec, 'spec');
  const remainder = compact({ ...converted.remainder, minReadySeconds: machine.spec.minReadySeconds });
  return {
    apiVersion: `${capiGroup}/${capiVersion}`,
    ...(machine.kind !== undefined ? { kind: machine.kind } : {}),
    metadata: putConversionData(metadata, remainder ? { spec: remainder } : undefined),
    spec: converted.spec,
    ...(machine.status ? { status: statusToV1Beta1(machine.status) } : {}),
  };
}

// What v1beta2's `nodeRef: {name}` means in v1beta1, as CAPI's conversion writes it.
const nodeReference = (name: string): ObjectReference => ({ apiVersion: 'v1', kind: 'Node', name });

type Preview = NonNullable<MachineStatus['v1beta2']>;

const derivedPreview = (conditions: MachineStatus['conditions']): Preview | undefined =>
  conditions ? { conditions: metaConditionsFrom(conditions) } : undefined;

function statusToV1Beta2(status: MachineStatus): MachineStatusV1Beta2 {
  const { conditions, failureReason, failureMessage, bootstrapReady, infrastructureReady, nodeRef, v1beta2, ...same } = status;
  const preview = v1beta2 ?? derivedPreview(conditions);
  // The uid and the rest of a node reference stay with the v1beta1 leftovers: status writes carry no annotation.
  const nodeRefRest = nodeRef && !sameJson(nodeRef, nodeReference(nodeRef.name)) ? nodeRef : undefined;
  return {
    ...same,
    ...definedEntries({
      conditions: preview?.conditions,
      initialization: compact({ infrastructureProvisioned: infrastructureReady, bootstrapDataSecretCreated: bootstrapReady }),
      nodeRef: nodeRef ? { name: nodeRef.name } : undefined,
      deprecated: compact({ v1beta1: compact({ conditions, failureReason, failureMessage, nodeRef: nodeRefRest }) }),
    }),
  };
}

function statusToV1Beta1(status: MachineStatusV1Beta2): MachineStatus {
  const { conditions: metaConditions, initialization, nodeRef, deprecated, ...same } = status;
  const old = deprecated?.v1beta1;
  const keptNodeRef = old?.nodeRef;
  const converted: MachineStatus = {
    ...same,
    ...definedEntries({
      bootstrapReady: initialization?.bootstrapDataSecretCreated,
      infrastructureReady: initialization?.infrastructureProvisioned,
      nodeRef: nodeRef ? (keptNodeRef?.name === nodeRef.name ? keptNodeRef : nodeReference(nodeRef.name)) : undefined,
      conditions: old?.conditions,
      failureReason: old?.failureReason,
      failureMessage: old?.failureMessage,
    }),
  };
  const preview = compact<Preview>({ conditions: metaConditions });
  // Omitted when converting up derives it again; `{}` when there is nothing to derive it from.
  return sameJson(preview, derivedPreview(old?.conditions)) ? converted : { ...converted, v1beta2: preview ?? {} };
}
