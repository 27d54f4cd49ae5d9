import type { ClusterKindName } from './kinds.ts';
import { isDeleting } from './finalizers.ts';
import type { RawObject } from './raw-object.ts';

/** What is left of a deleting Cluster's objects in the management cluster, as observed. */
export interface Descendants {
  /** By `spec.clusterName`. */
  readonly machineDeployments: readonly RawObject[];
  /** By `spec.clusterName`; CAPI's own controller makes the Cluster their owner, so they go with it. */
  readonly machineHealthChecks?: readonly RawObject[];
  /** By the `cluster.x-k8s.io/cluster-name` label the inventory carries. */
  readonly machineSets: readonly RawObject[];
  readonly machines: readonly RawObject[];
  readonly proxmoxMachines: readonly RawObject[];
  /** The TalosControlPlane `spec.controlPlaneRef` names, unless another Cluster uses it too. */
  readonly controlPlane?: RawObject | undefined;
  /** The ProxmoxCluster `spec.infrastructureRef` names, unless another Cluster uses it too. */
  readonly infrastructure?: RawObject | undefined;
  /** Templates generated for the Cluster's topology (CAPI's garbage collector removes them through their owner reference). */
  readonly generatedTemplates?: readonly { readonly kind: 'ProxmoxMachineTemplate' | 'TalosConfigTemplate'; readonly object: RawObject }[];
}

/** One object to take down: its finalizers to lift first, and whether it still needs deleting. */
export interface CascadeDelete {
  readonly kind: ClusterKindName;
  readonly object: RawObject;
  /** The finalizers to keep once the liftable ones are lifted; undefined when none of those is on it. */
  readonly keepFinalizers?: readonly string[];
  /** False when it is being deleted already. */
  readonly delete: boolean;
  /** The finalizers that will still hold it: not ours to lift. */
  readonly heldBy: readonly string[];
}

/**
 * What to delete now, in CAPI's order (its Cluster controller's reconcileDelete): the descendants
 * first — MachineDeployments, MachineSets, Machines (here with their ProxmoxMachines, as no Machine
 * controller deletes those) — and only when they are all gone the control plane, then the
 * infrastructure cluster. MachineHealthChecks go in the first phase (CAPI's garbage collector
 * removes them through the owner reference its MHC controller sets). Empty when nothing is left.
 * Templates a user applied are not descendants: CAPI leaves them, and so does this; those
 * generated from a ClusterClass go last, as CAPI's garbage collector takes them with the Cluster.
 */
export function nextDeletes(left: Descendants, liftable: readonly string[]): CascadeDelete[] {
  const phases: [ClusterKindName, readonly RawObject[]][][] = [
    [
      ['MachineHealthCheck', left.machineHealthChecks ?? []],
      ['MachineDeployment', left.machineDeployments],
      ['MachineSet', left.machineSets],
      ['Machine', left.machines],
      ['ProxmoxMachine', left.proxmoxMachines],
    ],
    [['TalosControlPlane', left.controlPlane ? [left.controlPlane] : []]],
    [['ProxmoxCluster', left.infrastructure ? [left.infrastructure] : []]],
    (['ProxmoxMachineTemplate', 'TalosConfigTemplate'] as const).map((kind): [ClusterKindName, readonly RawObject[]] => [
      kind,
      (left.generatedTemplates ?? []).filter((t) => t.kind === kind).map((t) => t.object),
    ]),
  ];
  for (const phase of phases) {
    const deletes = phase.flatMap(([kind, objects]) => objects.map((object) => cascadeDelete(kind, object, liftable)));
    if (deletes.length > 0) return deletes;
  }
  return [];
}

function cascadeDelete(kind: ClusterKindName, object: RawObject, liftable: readonly string[]): CascadeDelete {
  const finalizers = object.metadata?.finalizers ?? [];
  const others = finalizers.filter((f) => !liftable.includes(f));
  return {
    kind,
    object,
    ...(others.length < finalizers.length ? { keepFinalizers: others } : {}),
    delete: !isDeleting(object),
    heldBy: others,
  };
}
