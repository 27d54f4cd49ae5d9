// Facts about a machine recorded as they become true: where its VM is (after the clone) and which
// versions it runs (after an in-place upgrade). Each compares first, so a retry writes nothing.
import { machineSetNameLabel } from '../../api/capi/machine-set.ts';
import type { ClusterRef } from '../../api/cluster-ref.ts';
import { InventoryAnnotation, type VmRecord } from '../../api/inventory.ts';
import { Conflict, type KindName, type KubeObject, type ObjectStore } from './objects.ts';
import { withV } from './record-intent.ts';

/** The versions a machine runs after an in-place upgrade. */
export interface MachineVersions {
  readonly kubernetesVersion?: string;
  readonly talosVersion?: string;
}

/**
 * Records the cloned VM: the ProxmoxMachine's virtualMachineID, target node and providerID, and
 * the Machine's providerID. False when the Machine's intent is not recorded (it was released).
 */
export async function recordVm(store: ObjectStore, record: VmRecord): Promise<{ readonly recorded: boolean }> {
  const { namespace } = record.cluster;
  const infra = await patchIfChanged(store, 'ProxmoxMachine', namespace, record.machine, (pm) => {
    const spec = pm.spec ?? {};
    const same = spec['virtualMachineID'] === record.vmid && spec['target'] === record.node && spec['providerID'] === record.providerID;
    return same ? undefined : { spec: { virtualMachineID: record.vmid, target: record.node, providerID: record.providerID } };
  });
  const machine = await patchIfChanged(store, 'Machine', namespace, record.machine, (m) =>
    m.spec?.['providerID'] === record.providerID ? undefined : { spec: { providerID: record.providerID } },
  );
  return { recorded: infra && machine };
}

/**
 * Records the versions a machine runs now: Machine spec.version and the talos-version annotation;
 * a worker's MachineSet template follows the Kubernetes version. False when there is no Machine.
 */
export async function recordVersions(
  store: ObjectStore,
  cluster: ClusterRef,
  machine: string,
  versions: MachineVersions,
): Promise<{ readonly recorded: boolean }> {
  const { namespace } = cluster;
  const kubernetes = versions.kubernetesVersion === undefined ? undefined : withV(versions.kubernetesVersion);
  const talos = versions.talosVersion === undefined ? undefined : withV(versions.talosVersion);
  let set: string | undefined;
  const recorded = await patchIfChanged(store, 'Machine', namespace, machine, (m) => {
    set = m.metadata.labels?.[machineSetNameLabel];
    const versionChanged = kubernetes !== undefined && m.spec?.['version'] !== kubernetes;
    const talosChanged = talos !== undefined && m.metadata.annotations?.[InventoryAnnotation.talosVersion] !== talos;
    if (!versionChanged && !talosChanged) return undefined;
    return {
      ...(talosChanged ? { metadata: { annotations: { [InventoryAnnotation.talosVersion]: talos } } } : {}),
      ...(versionChanged ? { spec: { version: kubernetes } } : {}),
    };
  });
  if (recorded && set !== undefined && kubernetes !== undefined) {
    await patchIfChanged(store, 'MachineSet', namespace, set, (ms) => {
      const template = ms.spec?.['template'] as { spec?: { version?: string } } | undefined;
      return template?.spec?.version === kubernetes ? undefined : { spec: { template: { spec: { version: kubernetes } } } };
    });
  }
  return { recorded };
}

// Reads, asks `change` for a merge patch (undefined: nothing to do) and applies it guarded by the
// resourceVersion it read, again on a race. False when the object does not exist.
async function patchIfChanged(
  store: ObjectStore,
  kind: KindName,
  namespace: string,
  name: string,
  change: (object: KubeObject) => Record<string, unknown> | undefined,
): Promise<boolean> {
  for (let attempt = 0; ; attempt += 1) {
    const object = await store.get(kind, namespace, name);
    if (!object) return false;
    const patch = change(object);
    if (patch === undefined) return true;
    try {
      return (await store.patch(kind, object, patch)) !== undefined;
    } catch (error) {
      if (!(error instanceof Conflict) || attempt >= 5) throw error;
    }
  }
}
