import { z } from 'zod';
import type { MachineSpec } from '../machine-spec.ts';
import { ObjectReference } from '../meta.ts';
import { MachineSpecV1Beta2 } from '../v1beta2/machine-spec.ts';
import { compact, definedEntries } from './compact.ts';
import { durationToSeconds, secondsToDuration } from './go-duration.ts';
import { referenceRemainder, toContractReference, toObjectReference } from './references.ts';

type Timeout = 'nodeDrainTimeout' | 'nodeVolumeDetachTimeout' | 'nodeDeletionTimeout';

/** What a v1beta1 MachineSpec holds that v1beta2 cannot: whole references and durations as written. */
export const MachineSpecV1Beta1Remainder = z.object({
  bootstrap: z.object({ configRef: ObjectReference.optional() }).optional(),
  infrastructureRef: ObjectReference.optional(),
  nodeDrainTimeout: z.string().optional(),
  nodeVolumeDetachTimeout: z.string().optional(),
  nodeDeletionTimeout: z.string().optional(),
});
export type MachineSpecV1Beta1Remainder = z.infer<typeof MachineSpecV1Beta1Remainder>;

/** What a v1beta2 MachineSpec holds that v1beta1 cannot. */
export const MachineSpecV1Beta2Remainder = MachineSpecV1Beta2.pick({ readinessGates: true, taints: true }).partial();
export type MachineSpecV1Beta2Remainder = z.infer<typeof MachineSpecV1Beta2Remainder>;

/** v1beta1 → v1beta2 (minReadySeconds is the MachineDeployment's, set by its caller). */
export function machineSpecToV1Beta2(
  spec: MachineSpec,
  kept: MachineSpecV1Beta2Remainder | undefined,
  field: string,
): { spec: MachineSpecV1Beta2; remainder: MachineSpecV1Beta1Remainder | undefined } {
  const { bootstrap, infrastructureRef, nodeDrainTimeout, nodeVolumeDetachTimeout, nodeDeletionTimeout, ...same } = spec;
  const written = { nodeDrainTimeout, nodeVolumeDetachTimeout, nodeDeletionTimeout };
  const seconds = (name: Timeout): number | undefined => {
    const text = written[name];
    return text === undefined ? undefined : durationToSeconds(text, `${field}.${name}`);
  };
  const converted: MachineSpecV1Beta2 = {
    ...same,
    bootstrap: {
      ...(bootstrap.configRef ? { configRef: toContractReference(bootstrap.configRef, `${field}.bootstrap.configRef`) } : {}),
      ...(bootstrap.dataSecretName !== undefined ? { dataSecretName: bootstrap.dataSecretName } : {}),
    },
    ...(infrastructureRef ? { infrastructureRef: toContractReference(infrastructureRef, `${field}.infrastructureRef`) } : {}),
    ...definedEntries({
      deletion: compact({
        nodeDrainTimeoutSeconds: seconds('nodeDrainTimeout'),
        nodeVolumeDetachTimeoutSeconds: seconds('nodeVolumeDetachTimeout'),
        nodeDeletionTimeoutSeconds: seconds('nodeDeletionTimeout'),
      }),
      readinessGates: kept?.readinessGates,
      taints: kept?.taints,
    }),
  };
  // A duration comes back as Go prints it (`2m` → 120 s → `2m0s`): the written form is kept.
  const reprinted = (name: Timeout): string | undefined => {
    const text = written[name];
    const s = seconds(name);
    return text === undefined || s === undefined || secondsToDuration(s) === text ? undefined : text;
  };
  const configRef = bootstrap.configRef ? referenceRemainder(bootstrap.configRef) : undefined;
  const remainder = compact<MachineSpecV1Beta1Remainder>({
    bootstrap: configRef ? { configRef } : undefined,
    infrastructureRef: infrastructureRef ? referenceRemainder(infrastructureRef) : undefined,
    nodeDrainTimeout: reprinted('nodeDrainTimeout'),
    nodeVolumeDetachTimeout: reprinted('nodeVolumeDetachTimeout'),
    nodeDeletionTimeout: reprinted('nodeDeletionTimeout'),
  });
  return { spec: converted, remainder };
}

/** v1beta2 → v1beta1 (minReadySeconds goes to the MachineDeployment's spec, by its caller). */
export function machineSpecToV1Beta1(
  spec: MachineSpecV1Beta2,
  kept: MachineSpecV1Beta1Remainder | undefined,
  field: string,
): { spec: MachineSpec; remainder: MachineSpecV1Beta2Remainder | undefined } {
  // minReadySeconds is the MachineDeployment's in v1beta1: its caller moves it there.
  const { bootstrap, infrastructureRef, deletion, readinessGates, taints, ...rest } = spec;
  const same = { ...rest };
  delete same.minReadySeconds;
  const duration = (name: Timeout, seconds: number | undefined): string | undefined => {
    if (seconds === undefined) return undefined;
    const text = kept?.[name];
    // The written form only while it still says the same: a v1beta2 writer may have changed the seconds.
    return text !== undefined && durationToSeconds(text, `${conversionDataField}.${name}`) === seconds ? text : secondsToDuration(seconds);
  };
  const converted: MachineSpec = {
    ...same,
    bootstrap: {
      ...(bootstrap.configRef
        ? { configRef: toObjectReference(bootstrap.configRef, kept?.bootstrap?.configRef, `${field}.bootstrap.configRef`) }
        : {}),
      ...(bootstrap.dataSecretName !== undefined ? { dataSecretName: bootstrap.dataSecretName } : {}),
    },
    ...(infrastructureRef
      ? { infrastructureRef: toObjectReference(infrastructureRef, kept?.infrastructureRef, `${field}.infrastructureRef`) }
      : {}),
    ...definedEntries({
      nodeDrainTimeout: duration('nodeDrainTimeout', deletion?.nodeDrainTimeoutSeconds),
      nodeVolumeDetachTimeout: duration('nodeVolumeDetachTimeout', deletion?.nodeVolumeDetachTimeoutSeconds),
      nodeDeletionTimeout: duration('nodeDeletionTimeout', deletion?.nodeDeletionTimeoutSeconds),
    }),
  };
  return { spec: converted, remainder: compact<MachineSpecV1Beta2Remainder>({ readinessGates, taints }) };
}

const conversionDataField = 'the conversion data';
