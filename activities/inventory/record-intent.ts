// A machine's intent, recorded before anything is built: its MachineSet (workers), Machine and
// ProxmoxMachine, owned and finalized as CAPI users expect, so no failure can lose its VM.
import { clusterNameLabel, controlPlaneLabel, deploymentNameLabel } from '../../api/capi/annotations.ts';
import { machineSetFinalizer, machineSetNameLabel, machineSetRevisionAnnotation } from '../../api/capi/machine-set.ts';
import { machineFinalizer } from '../../api/capi/machine.ts';
import { proxmoxMachineFinalizer, type ProxmoxMachineSpec } from '../../api/capi/proxmox-machine.ts';
import { machineConfigSecret } from '../../api/cluster-secrets.ts';
import { ErrorType } from '../../api/errors.ts';
import { InventoryAnnotation, machineSetName, type MachineIntent } from '../../api/inventory.ts';
import { MachineVmSpec } from '../../api/proxmox.ts';
import { failure } from '../failure.ts';
import { Conflict, Kinds, ownerReference, type KubeObject, type ObjectStore, type OwnerReference } from './objects.ts';
import { revisionOf, syncMachineSetReplicas } from './machine-sets.ts';

/** What recording an intent found. */
export interface RecordIntentResult {
  /** This call created the Machine (false: it existed, e.g. on a retry). */
  readonly created: boolean;
  /** The Machine is being deleted (by Capstan or a user): it will not be built. */
  readonly deleting: boolean;
  /** The worker's MachineSet. */
  readonly machineSet?: string;
}

/** `v1.33.4` whether the intent says `1.33.4` or `v1.33.4` (CAPI's Machine spec.version has the `v`). */
export function withV(version: string): string {
  return version.startsWith('v') ? version : `v${version}`;
}

/**
 * Records the machine's intent: for a worker its MachineSet first, then the Machine, then the
 * ProxmoxMachine. Objects that exist are kept as they are (a retry writes nothing new); only a
 * missing finalizer or owner reference is added. Owners that do not exist (no Cluster,
 * TalosControlPlane or MachineDeployment object, as in tests that drive workflows directly) are
 * simply not referenced.
 */
export async function recordIntent(store: ObjectStore, intent: MachineIntent): Promise<RecordIntentResult> {
  const { namespace, name: cluster } = intent.cluster;
  if (intent.role === 'worker' && intent.deployment === undefined) {
    throw failure(ErrorType.InvalidDesiredCluster, `worker ${intent.machine} of ${namespace}/${cluster} names no MachineDeployment`);
  }
  const set =
    intent.role === 'worker' && intent.deployment !== undefined ? await ensureMachineSet(store, intent, intent.deployment) : undefined;
  const owner = set ? ownerReference(Kinds.MachineSet, set, true) : await controlPlaneOwner(store, namespace, cluster);
  const labels: Record<string, string> = { [clusterNameLabel]: cluster };
  if (intent.role === 'control-plane') labels[controlPlaneLabel] = '';
  if (set && intent.deployment !== undefined) {
    labels[deploymentNameLabel] = intent.deployment;
    labels[machineSetNameLabel] = set.metadata.name;
  }
  const annotations: Record<string, string> = {
    [InventoryAnnotation.shapeHash]: intent.shapeHash,
    [InventoryAnnotation.talosVersion]: intent.talosVersion,
    ...(intent.bootstrap ? { [InventoryAnnotation.bootstrapsEtcd]: 'true' } : {}),
  };
  const machine = await ensureObject(store, 'Machine', namespace, {
    metadata: { name: intent.machine, labels, annotations },
    finalizer: machineFinalizer,
    owners: owner ? [owner] : [],
    spec: {
      clusterName: cluster,
      version: withV(intent.kubernetesVersion),
      bootstrap: { dataSecretName: machineConfigSecret(namespace, intent.machine).name },
      infrastructureRef: { apiVersion: Kinds.ProxmoxMachine.apiVersion, kind: Kinds.ProxmoxMachine.kind, name: intent.machine, namespace },
    },
  });
  const machineOwner = ownerReference(Kinds.Machine, machine.object, true);
  await ensureObject(store, 'ProxmoxMachine', namespace, {
    metadata: { name: intent.machine, labels: { [clusterNameLabel]: cluster } },
    finalizer: proxmoxMachineFinalizer,
    owners: machineOwner ? [machineOwner] : [],
    spec: proxmoxMachineSpec(intent),
  });
  if (set) await syncMachineSetReplicas(store, namespace, cluster, set.metadata.name);
  return {
    created: machine.created,
    deleting: machine.object.metadata.deletionTimestamp !== undefined,
    ...(set ? { machineSet: set.metadata.name } : {}),
  };
}

/** CAPMOX's ProxmoxMachine spec for the intent's VM (defaults as MachineVmSpec fills them). */
export function proxmoxMachineSpec(intent: MachineIntent): ProxmoxMachineSpec {
  const parsed = MachineVmSpec.omit({ cluster: true, machine: true, address: true }).safeParse(intent.vm);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(vm)'}: ${issue.message}`);
    throw failure(ErrorType.InvalidDesiredCluster, `machine ${intent.machine}: invalid VM spec: ${problems.join('; ')}`);
  }
  const vm = parsed.data;
  return {
    templateID: vm.templateVmid,
    allowedNodes: vm.allowedNodes,
    ...(vm.storage === undefined ? {} : { storage: vm.storage }),
    full: true,
    numSockets: vm.sockets,
    numCores: vm.cores,
    memoryMiB: vm.memoryMiB,
    disks: { bootVolume: { disk: vm.disk, sizeGb: vm.diskGiB } },
    network: { default: { bridge: vm.bridge, model: 'virtio', ...(vm.vlan === undefined ? {} : { vlan: vm.vlan }) } },
    vmIDRange: vm.vmIdRange,
    ...(vm.tags.length > 0 ? { tags: vm.tags } : {}),
    // Talos has no cloud-init; the guest agent (an extension) reports the address.
    checks: { skipCloudInitStatus: true },
  };
}

// The Cluster's control plane (spec.controlPlaneRef, a TalosControlPlane), when both exist.
async function controlPlaneOwner(store: ObjectStore, namespace: string, cluster: string): Promise<OwnerReference | undefined> {
  const object = await store.get('Cluster', namespace, cluster);
  const ref = object?.spec?.['controlPlaneRef'] as { kind?: string; name?: string; namespace?: string } | undefined;
  if (!ref?.name || ref.kind !== Kinds.TalosControlPlane.kind) return undefined;
  const controlPlane = await store.get('TalosControlPlane', ref.namespace ?? namespace, ref.name);
  return controlPlane ? ownerReference(Kinds.TalosControlPlane, controlPlane, true) : undefined;
}

// The worker's MachineSet: `<deployment>-<shape hash>`, the deployment's newest revision when first made.
async function ensureMachineSet(store: ObjectStore, intent: MachineIntent, deployment: string): Promise<KubeObject> {
  const { namespace, name: cluster } = intent.cluster;
  const name = machineSetName(deployment, intent.shapeHash);
  const existing = await store.get('MachineSet', namespace, name);
  const highest = await highestRevision(store, namespace, cluster, deployment);
  if (existing && revisionOf(existing) < highest) {
    // Back to an earlier shape (a rollback): like CAPI, its MachineSet becomes the newest revision again.
    await store.patch(
      'MachineSet',
      existing,
      { metadata: { annotations: { [machineSetRevisionAnnotation]: String(highest + 1) } } },
      false,
    );
  }
  const revision = highest + 1;
  const md = await store.get('MachineDeployment', namespace, deployment);
  const owner = md ? ownerReference(Kinds.MachineDeployment, md, true) : undefined;
  const selector = { [clusterNameLabel]: cluster, [machineSetNameLabel]: name };
  const ensured = await ensureObject(store, 'MachineSet', namespace, {
    metadata: {
      name,
      labels: { [clusterNameLabel]: cluster, [deploymentNameLabel]: deployment },
      annotations: {
        [InventoryAnnotation.shapeHash]: intent.shapeHash,
        [machineSetRevisionAnnotation]: String(revision),
      },
    },
    finalizer: machineSetFinalizer,
    owners: owner ? [owner] : [],
    spec: {
      clusterName: cluster,
      replicas: 0,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...selector, [deploymentNameLabel]: deployment } },
        spec: { clusterName: cluster, version: withV(intent.kubernetesVersion), bootstrap: {} },
      },
    },
  });
  return ensured.object;
}

/** The highest template revision among the deployment's MachineSets (0 when it has none). */
export async function highestRevision(store: ObjectStore, namespace: string, cluster: string, deployment: string): Promise<number> {
  const sets = await store.list('MachineSet', namespace, `${clusterNameLabel}=${cluster},${deploymentNameLabel}=${deployment}`);
  return Math.max(0, ...sets.map(revisionOf));
}

interface Wanted {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly finalizer: string;
  readonly owners: readonly OwnerReference[];
  readonly spec: object;
}

/**
 * Creates the object, or keeps the one that exists and adds only what it misses: our finalizer
 * (not on an object being deleted: the API server forbids it) and our owner references (replacing a
 * reference to an earlier object of the same kind and name, whose uid is gone).
 */
async function ensureObject(
  store: ObjectStore,
  kind: 'Machine' | 'MachineSet' | 'ProxmoxMachine',
  namespace: string,
  wanted: Wanted,
): Promise<{ readonly object: KubeObject; readonly created: boolean }> {
  for (let attempt = 0; ; attempt += 1) {
    const existing = await store.get(kind, namespace, wanted.metadata.name);
    if (!existing) {
      const created = await store.create(kind, namespace, {
        metadata: { ...wanted.metadata, namespace, finalizers: [wanted.finalizer], ownerReferences: wanted.owners },
        spec: wanted.spec,
      });
      if (created) return { object: created, created: true };
      continue; // created concurrently: keep theirs, as a retry would
    }
    const finalizers = existing.metadata.finalizers ?? [];
    const deleting = existing.metadata.deletionTimestamp !== undefined;
    const addFinalizer = !deleting && !finalizers.includes(wanted.finalizer);
    const owners = mergedOwners(existing.metadata.ownerReferences ?? [], wanted.owners);
    if (!addFinalizer && owners === undefined) return { object: existing, created: false };
    try {
      const patched = await store.patch(kind, existing, {
        metadata: {
          ...(addFinalizer ? { finalizers: [...finalizers, wanted.finalizer] } : {}),
          ...(owners ? { ownerReferences: owners } : {}),
        },
      });
      if (patched) return { object: patched, created: false };
    } catch (error) {
      if (!(error instanceof Conflict) || attempt >= 5) throw error;
    }
  }
}

// The owner list with ours added; undefined when nothing changes. A second controller is never added.
function mergedOwners(current: readonly OwnerReference[], wanted: readonly OwnerReference[]): OwnerReference[] | undefined {
  let changed = false;
  let result = [...current];
  for (const owner of wanted) {
    if (result.some((o) => o.uid === owner.uid)) continue;
    const stale = result.filter((o) => o.kind === owner.kind && o.name === owner.name);
    const others = result.filter((o) => !stale.includes(o));
    if (owner.controller && others.some((o) => o.controller)) continue;
    result = [...others, owner];
    changed = true;
  }
  return changed ? result : undefined;
}
