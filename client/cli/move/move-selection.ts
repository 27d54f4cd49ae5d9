import { clusterNameLabel, etcdBackupSecretAnnotation, versionCatalogAnnotation } from '../../../api/capi/annotations.ts';
import { kubeconfigSecret, secretsBundleSecret, talosconfigSecret } from '../../../api/cluster-secrets.ts';
import type { OwnerReference, RawObject } from '../../controller/raw-object.ts';
import { stringAt } from '../../controller/raw-object.ts';

/** One object of the management cluster with its kind (lists return objects without it). */
export interface KindedObject {
  readonly kind: string;
  readonly object: RawObject;
}

/** What `capstan move` copies, and which of it stays on the source too. */
export interface MoveSelection {
  /** Every object to copy, owners before what they own. */
  readonly objects: readonly KindedObject[];
  /**
   * Copied but left on the source, because another cluster there uses them too: templates, the
   * Proxmox credentials Secret, the version catalog it references as well.
   */
  readonly shared: ReadonlySet<string>;
}

/**
 * The order objects are created in when no owner reference decides: Secrets and addresses first
 * (nothing owns them; a workflow that started early finds its credentials), then what users write,
 * then the inventory, each owner's kind before its children's.
 */
export const kindOrder: readonly string[] = [
  'Secret',
  'ConfigMap',
  'IPAddressClaim',
  'IPAddress',
  'ProxmoxMachineTemplate',
  'TalosConfigTemplate',
  'Cluster',
  'ProxmoxCluster',
  'TalosControlPlane',
  'MachineDeployment',
  'MachineHealthCheck',
  'MachineSet',
  'Machine',
  'ProxmoxMachine',
];

/** `Kind/name`: an object's key within one namespace. */
export const objectKey = (kind: string, name: string | undefined): string => `${kind}/${name ?? ''}`;
const keyOf = (o: KindedObject): string => objectKey(o.kind, o.object.metadata?.name);

/**
 * Picks the objects of cluster `name` from everything listed in its namespace: the Cluster; what
 * names it (the cluster-name label, `spec.clusterName`); what it references (control plane,
 * infrastructure); the templates those reference; what any of them owns; and its Secrets (by
 * label, CAPI's names, the ProxmoxCluster's credentialsRef, the etcd backup Secret) and version
 * catalog ConfigMap. Then orders them owners first.
 */
export function selectClusterObjects(name: string, listed: readonly KindedObject[]): MoveSelection {
  const { objects, tied } = collect(name, listed);
  const untied = objects.map(keyOf).filter((k) => !tied.has(k));
  if (untied.length === 0) return { objects, shared: new Set() };
  // What the other clusters of the namespace use stays; what none uses goes with this one.
  const others = listed.filter((o) => o.kind === 'Cluster' && o.object.metadata?.name !== name).map((o) => o.object.metadata?.name ?? '');
  const used = new Set(others.flatMap((other) => collect(other, listed).objects.map(keyOf)));
  return { objects, shared: new Set(untied.filter((k) => used.has(k))) };
}

/** The cluster's objects owners first, and which of them are tied to it alone (label, spec.clusterName, ownership). */
function collect(name: string, listed: readonly KindedObject[]): { objects: KindedObject[]; tied: ReadonlySet<string> } {
  const byKey = new Map(listed.map((o) => [keyOf(o), o]));
  const chosen = new Map<string, KindedObject>();
  const tied = new Set<string>();
  const add = (kind: string, objectName: string | undefined, isTied: boolean): void => {
    const found = byKey.get(objectKey(kind, objectName));
    if (!found) return;
    chosen.set(keyOf(found), found);
    if (isTied) tied.add(keyOf(found));
  };
  const cluster = byKey.get(objectKey('Cluster', name));
  if (!cluster) return { objects: [], tied: new Set() };
  add('Cluster', name, true);
  add('TalosControlPlane', stringAt(cluster.object, 'spec.controlPlaneRef.name'), true);
  add('ProxmoxCluster', stringAt(cluster.object, 'spec.infrastructureRef.name'), true);
  for (const o of listed) {
    const labelled = o.object.metadata?.labels?.[clusterNameLabel] === name;
    if (labelled || stringAt(o.object, 'spec.clusterName') === name) add(o.kind, o.object.metadata?.name, true);
  }
  for (const ref of [talosconfigSecret, kubeconfigSecret, secretsBundleSecret]) add('Secret', ref({ namespace: '', name }).name, true);
  const annotations = cluster.object.metadata?.annotations ?? {};
  add('Secret', annotations[etcdBackupSecretAnnotation], false);
  add('ConfigMap', annotations[versionCatalogAnnotation], false);
  // Owned objects and referenced templates, until nothing new turns up.
  for (let size = -1; size !== chosen.size;) {
    size = chosen.size;
    const uids = new Set([...chosen.values()].map((o) => o.object.metadata?.uid).filter((u) => u !== undefined));
    for (const o of listed)
      if ((o.object.metadata?.ownerReferences ?? []).some((r) => uids.has(r.uid))) add(o.kind, o.object.metadata?.name, true);
    for (const o of [...chosen.values()]) {
      for (const [kind, ref] of references(o)) add(kind, ref, false);
    }
  }
  return { objects: ownersFirst([...chosen.values()]), tied };
}

/** The objects an object names by reference (templates, its ProxmoxMachine, a credentials Secret). */
function references(o: KindedObject): [string, string | undefined][] {
  const spec = o.object;
  switch (o.kind) {
    case 'TalosControlPlane':
      return [['ProxmoxMachineTemplate', stringAt(spec, 'spec.infrastructureTemplate.name')]];
    case 'MachineDeployment':
    case 'MachineSet':
      return [
        ['ProxmoxMachineTemplate', stringAt(spec, 'spec.template.spec.infrastructureRef.name')],
        ['TalosConfigTemplate', stringAt(spec, 'spec.template.spec.bootstrap.configRef.name')],
      ];
    case 'Machine':
      return [['ProxmoxMachine', stringAt(spec, 'spec.infrastructureRef.name')]];
    case 'ProxmoxCluster': {
      const namespace = stringAt(spec, 'spec.credentialsRef.namespace');
      const same = namespace === undefined || namespace === o.object.metadata?.namespace;
      return same ? [['Secret', stringAt(spec, 'spec.credentialsRef.name')]] : [];
    }
    default:
      return [];
  }
}

/** Sorts objects so every owner comes before what it owns, by `kindOrder` otherwise (stable by name). */
export function ownersFirst(objects: readonly KindedObject[]): KindedObject[] {
  const rank = (o: KindedObject): number => {
    const i = kindOrder.indexOf(o.kind);
    return i === -1 ? kindOrder.length : i;
  };
  const pending = [...objects].sort(
    (a, b) => rank(a) - rank(b) || (a.object.metadata?.name ?? '').localeCompare(b.object.metadata?.name ?? ''),
  );
  const present = new Set(objects.map((o) => o.object.metadata?.uid).filter((u) => u !== undefined));
  const placed = new Set<string>();
  const ordered: KindedObject[] = [];
  while (pending.length > 0) {
    const index = pending.findIndex((o) =>
      (o.object.metadata?.ownerReferences ?? []).every((r) => !present.has(r.uid) || placed.has(r.uid)),
    );
    // An ownership cycle cannot be created owners-first: take the next one as it comes.
    const [next] = pending.splice(index === -1 ? 0 : index, 1);
    if (!next) break;
    ordered.push(next);
    const uid = next.object.metadata?.uid;
    if (uid !== undefined) placed.add(uid);
  }
  return ordered;
}

/** Metadata the API server sets: never copied. */
const serverFields = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'deletionTimestamp', 'selfLink'];

/** The annotation a copy carries with its source object's uid: a re-run recognises its own copies by it. */
export const movedFromAnnotation = 'capstan.dev/moved-from-uid';

/**
 * The object to create on the target: name, labels, annotations, finalizers, spec and data as on
 * the source, without what the API server sets, its owner references pointing at the copies'
 * uids (references to objects that were not copied are dropped: they would dangle), and the source
 * uid recorded. Status is written separately, through the status subresource.
 */
export function targetCopy(source: KindedObject, uids: ReadonlyMap<string, string>, apiVersion: string): Record<string, unknown> {
  const rest = without(source.object as Record<string, unknown>, ['status', 'metadata']);
  const metadata = source.object.metadata ?? {};
  const meta = without(metadata as Record<string, unknown>, serverFields);
  const owners = rewriteOwnerReferences(metadata.ownerReferences ?? [], uids);
  const annotations = { ...(metadata.annotations ?? {}), [movedFromAnnotation]: metadata.uid ?? '' };
  return {
    ...rest,
    apiVersion,
    kind: source.kind,
    metadata: { ...without(meta, ['ownerReferences']), annotations, ...(owners.length > 0 ? { ownerReferences: owners } : {}) },
  };
}

/** A shallow copy without some keys. */
export function without(object: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}

/** Owner references with the owners' new uids; those whose owner has no copy are dropped. */
export function rewriteOwnerReferences(references: readonly OwnerReference[], uids: ReadonlyMap<string, string>): OwnerReference[] {
  return references.flatMap((r) => {
    const uid = uids.get(r.uid);
    return uid === undefined ? [] : [{ ...r, uid }];
  });
}
