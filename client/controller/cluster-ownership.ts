import { Watched } from './kinds.ts';
import type { OwnerReference, RawObject } from './raw-object.ts';

/**
 * The owner reference CAPI puts on a Cluster's objects: as their controller on the control plane
 * and the infrastructure cluster (its Cluster controller's SetControllerReference), as a plain
 * owner on MachineDeployments (its MachineDeployment controller). Undefined for a Cluster the
 * API server has not given a uid.
 */
export function clusterOwnerReference(cluster: RawObject, controller: boolean): OwnerReference | undefined {
  const { name, uid } = cluster.metadata ?? {};
  if (!name || !uid) return undefined;
  return {
    apiVersion: Watched.Cluster.apiVersion,
    kind: Watched.Cluster.kind,
    name,
    uid,
    ...(controller ? { controller: true, blockOwnerDeletion: true } : {}),
  };
}

/**
 * The reference still to write on `object`: undefined when it is there, or when it would make the
 * Cluster a second controller. Another controller of the same kind and name is the Cluster's
 * earlier incarnation (deleted and applied again), and is replaced, as controller-runtime does.
 */
export function missingOwnerReference(object: RawObject, owner: OwnerReference): OwnerReference | undefined {
  const references = object.metadata?.ownerReferences ?? [];
  const present = references.find((r) => r.uid === owner.uid);
  if (present && (present.controller === true) === (owner.controller === true)) return undefined;
  const otherController = references.some(
    (r) => r.controller === true && r.uid !== owner.uid && (r.kind !== owner.kind || r.name !== owner.name),
  );
  if (owner.controller === true && otherController) return undefined;
  return owner;
}
