import { clusterNameLabel, controlPlaneLabel, deploymentNameLabel } from '../../../api/capi/annotations.ts';
import { ConditionReason, ConditionType } from '../../../api/capi/conditions.ts';
import type { MachineStatus } from '../../../api/capi/machine.ts';
import { Watched } from '../kinds.ts';
import type { ClusterFacts } from './cluster-facts.ts';
import { isFalse, isTrue } from './conditions.ts';
import { machinesOf, type ProgressMachine } from './progress-view.ts';
import type { StatusDraft } from './status-draft.ts';

/** The Cluster the Machines belong to (their owner). */
export interface OwningCluster {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** One Machine object as the controller keeps it: what it applies to the object and to its status. */
export interface MachineObject {
  readonly name: string;
  /** apiVersion, kind, metadata (labels, owner) and spec: applied to the main resource. */
  readonly object: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: {
      readonly name: string;
      readonly namespace: string;
      readonly labels: Readonly<Record<string, string>>;
      readonly ownerReferences: readonly { apiVersion: string; kind: string; name: string; uid: string; controller: boolean }[];
    };
    readonly spec: { readonly clusterName: string; readonly bootstrap: Readonly<Record<string, never>>; readonly version?: string };
  };
  readonly status: StatusDraft;
}

/** The Kubernetes version a machine should run, by role and MachineDeployment, when the spec maps. */
export type WantedKubernetes = (machine: ProgressMachine) => string | undefined;

/**
 * The Machine objects a cluster should have: one per machine the cluster workflow knows (also
 * those still being built), labelled as CAPI labels them, owned by the Cluster, with CAPI's
 * Machine status (phase, addresses, nodeRef, nodeInfo) plus Talos version and Proxmox node/VMID.
 */
export function machineObjects(cluster: OwningCluster, facts: ClusterFacts, wanted: WantedKubernetes): MachineObject[] {
  return machinesOf(facts.progress).map((machine) => {
    const labels: Record<string, string> = { [clusterNameLabel]: cluster.name };
    if (machine.role === 'control-plane') labels[controlPlaneLabel] = '';
    if (machine.deployment) labels[deploymentNameLabel] = machine.deployment;
    const version = machine.kubernetesVersion || wanted(machine);
    return {
      name: machine.name,
      object: {
        apiVersion: Watched.Machine.apiVersion,
        kind: Watched.Machine.kind,
        metadata: {
          name: machine.name,
          namespace: cluster.namespace,
          labels,
          ownerReferences: [
            { apiVersion: Watched.Cluster.apiVersion, kind: Watched.Cluster.kind, name: cluster.name, uid: cluster.uid, controller: true },
          ],
        },
        spec: { clusterName: cluster.name, bootstrap: {}, ...(version ? { version } : {}) },
      },
      status: machineStatus(machine, facts.deleting),
    };
  });
}

function machineStatus(machine: ProgressMachine, clusterDeleting: boolean): StatusDraft {
  const phase: NonNullable<MachineStatus['phase']> =
    clusterDeleting || machine.phase === 'Deleting'
      ? 'Deleting'
      : machine.phase === 'Failed'
        ? 'Failed'
        : machine.phase === 'Provisioning'
          ? 'Provisioning'
          : machine.ready
            ? 'Running'
            : 'Provisioned';
  const joined = machine.phase === 'Running' || machine.phase === 'Deleting';
  const fields: MachineStatus = {
    phase,
    ...(machine.address
      ? {
          addresses: [
            { type: 'InternalIP', address: machine.address },
            { type: 'Hostname', address: machine.name },
          ],
        }
      : {}),
    ...(joined ? { nodeRef: { apiVersion: 'v1', kind: 'Node', name: machine.name } } : {}),
    ...(joined && machine.kubernetesVersion
      ? {
          nodeInfo: {
            kubeletVersion: machine.kubernetesVersion,
            ...(machine.talosVersion ? { osImage: `Talos (${machine.talosVersion})` } : {}),
            operatingSystem: 'linux',
          },
        }
      : {}),
    bootstrapReady: machine.phase !== 'Provisioning',
    infrastructureReady: machine.address !== undefined || machine.vm !== undefined,
    ...(machine.vm ? { proxmox: { node: machine.vm.node, vmid: machine.vm.vmid } } : {}),
    ...(machine.talosVersion ? { talosVersion: machine.talosVersion } : {}),
  };
  const ready =
    machine.ready && phase === 'Running'
      ? isTrue(ConditionType.Ready, undefined, machine.activity)
      : isFalse(
          ConditionType.Ready,
          phase === 'Deleting'
            ? ConditionReason.Deleting
            : phase === 'Provisioning'
              ? ConditionReason.Provisioning
              : ConditionReason.NodeNotReady,
          machine.activity,
        );
  return { fields, conditions: [ready] };
}
