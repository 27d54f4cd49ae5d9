import {
  bootstrapGroup,
  bootstrapVersion,
  controlPlaneGroup,
  controlPlaneVersion,
  groupOf,
  infrastructureGroup,
  infrastructureVersion,
} from '../groups.ts';
import type { ObjectReference } from '../meta.ts';
import type { ContractVersionedObjectReference } from '../v1beta2/meta.ts';
import { ConversionError } from './conversion-error.ts';

/**
 * The version Capstan serves of each provider group it references. v1beta2 references name no
 * version (CAPI reads it from the provider CRD's contract label); going back to v1beta1, a
 * reference with none kept in the conversion data gets this one.
 */
const servedVersions: Readonly<Record<string, string>> = {
  [controlPlaneGroup]: controlPlaneVersion,
  [bootstrapGroup]: bootstrapVersion,
  [infrastructureGroup]: infrastructureVersion,
};

/** v1beta1 → v1beta2: group, kind and name; the version and the rest are for the conversion data. */
export function toContractReference(ref: ObjectReference, field: string): ContractVersionedObjectReference {
  if (ref.apiVersion === undefined || !ref.apiVersion.includes('/')) {
    throw new ConversionError(
      `${field}.apiVersion`,
      `must be group/version (like ${infrastructureGroup}/${infrastructureVersion}) to convert to v1beta2, which keeps the group`,
    );
  }
  if (ref.kind === undefined) throw new ConversionError(`${field}.kind`, 'is required to convert to v1beta2');
  return { apiGroup: groupOf(ref.apiVersion), kind: ref.kind, name: ref.name };
}

/**
 * What a v1beta1 reference holds beyond group, kind and name, or undefined when nothing (the
 * version is Capstan's served one and no namespace, uid, resourceVersion or fieldPath is set).
 */
export function referenceRemainder(ref: ObjectReference): ObjectReference | undefined {
  const served = ref.apiVersion === undefined ? undefined : servedVersions[groupOf(ref.apiVersion)];
  const extra = ref.namespace !== undefined || ref.uid !== undefined || ref.resourceVersion !== undefined || ref.fieldPath !== undefined;
  return extra || ref.apiVersion !== `${groupOf(ref.apiVersion ?? '')}/${served ?? ''}` ? ref : undefined;
}

/**
 * v1beta2 → v1beta1: the reference kept in the conversion data when it still names the same
 * object (a v1beta2 writer may have pointed it elsewhere since), else the group's served version.
 */
export function toObjectReference(
  ref: ContractVersionedObjectReference,
  kept: ObjectReference | undefined,
  field: string,
): ObjectReference {
  if (kept?.apiVersion !== undefined && groupOf(kept.apiVersion) === ref.apiGroup && kept.kind === ref.kind && kept.name === ref.name) {
    return kept;
  }
  const version = servedVersions[ref.apiGroup];
  if (version === undefined) {
    throw new ConversionError(
      `${field}.apiGroup`,
      `"${ref.apiGroup}" is not a provider group Capstan serves (${Object.keys(servedVersions).join(', ')}), so its v1beta1 apiVersion is unknown`,
    );
  }
  return { apiVersion: `${ref.apiGroup}/${version}`, kind: ref.kind, name: ref.name };
}
