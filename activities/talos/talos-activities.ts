import { applyMachineConfig, type ApplyMachineConfigInput, type ApplyMachineConfigResult } from './operations/apply-machine-config.ts';
import { bootstrapEtcd, type BootstrapEtcdInput, type BootstrapEtcdResult } from './operations/bootstrap-etcd.ts';
import {
  forfeitEtcdLeadership,
  leaveEtcdCluster,
  listEtcdMembers,
  removeEtcdMember,
  type EtcdMemberInfo,
  type RemoveEtcdMemberInput,
} from './operations/etcd-membership.ts';
import { snapshotEtcd, type EtcdSnapshotInput } from './operations/etcd-snapshot.ts';
import { fetchKubeconfig, type FetchKubeconfigResult } from './operations/fetch-kubeconfig.ts';
import { nodeServices, nodeVersion, type TalosServiceStatus } from './operations/node-status.ts';
import { rebootNode, resetNode, type ActorResult, type RebootNodeInput, type ResetNodeInput } from './operations/power-operations.ts';
import type { TalosActivityDeps, TalosNodeRef } from './operations/talos-session.ts';
import { renewCredentials } from './operations/renew-credentials.ts';
import { upgradeNode, type UpgradeNodeInput, type UpgradeNodeResult } from './operations/upgrade-node.ts';
import { waitForEtcdMember, type WaitForEtcdMemberInput } from './operations/wait-for-etcd-member.ts';
import { bootstrapEtcdRecovery, type RecoveryBootstrapInput, type RecoveryBootstrapResult } from './operations/recovery-bootstrap.ts';
import { waitForEtcdRecovered, type WaitForEtcdRecoveredInput } from './operations/wait-for-etcd-recovered.ts';
import { wipeEtcdData, type WipeEtcdDataResult } from './operations/wipe-etcd-data.ts';
import { waitForApid, type TalosNodeVersion, type WaitForApidInput } from './operations/wait-for-apid.ts';
import type { CredentialsReport } from '../../api/credentials.ts';
import type { ClusterRef } from '../../api/cluster-ref.ts';
import type { WrittenFile } from './machine-api/write-atomically.ts';

export type { TalosActivityDeps, TalosNodeRef } from './operations/talos-session.ts';

/**
 * The Talos machine-API activities. Inputs name a cluster and a node address; talosconfigs and
 * machine configs are read from the SecretStore, and kubeconfigs written to it, so no secret
 * enters workflow history. Errors are typed (see api/errors.ts: Talos*).
 */
export function createTalosActivities(deps: TalosActivityDeps) {
  return {
    /** Applies the machine's config: insecure in maintenance mode, compare-then-apply over mTLS once configured. */
    talosApplyConfig: (input: ApplyMachineConfigInput): Promise<ApplyMachineConfigResult> => applyMachineConfig(deps, input),
    /** Waits (heartbeating) until the node answers mTLS with the cluster's credentials. */
    talosWaitForApid: (input: WaitForApidInput): Promise<TalosNodeVersion> => waitForApid(deps, input),
    /** Bootstraps etcd exactly once per cluster. */
    talosBootstrap: (input: BootstrapEtcdInput): Promise<BootstrapEtcdResult> => bootstrapEtcd(deps, input),
    /** Fetches the admin kubeconfig into the `<cluster>-kubeconfig` Secret. */
    talosFetchKubeconfig: (input: TalosNodeRef): Promise<FetchKubeconfigResult> => fetchKubeconfig(deps, input),
    /** Renews the talosconfig and admin kubeconfig when due; reports dates and fingerprints only. */
    talosRenewCredentials: (cluster: ClusterRef): Promise<CredentialsReport> => renewCredentials(deps, cluster),
    /** The Talos version and platform of a node. */
    talosVersion: (input: TalosNodeRef): Promise<TalosNodeVersion> => nodeVersion(deps, input),
    /** The node's Talos services (etcd, kubelet, ...) with state and health. */
    talosServices: (input: TalosNodeRef): Promise<TalosServiceStatus[]> => nodeServices(deps, input),
    /** The etcd members as a control-plane node sees them. */
    talosEtcdMembers: (input: TalosNodeRef): Promise<EtcdMemberInfo[]> => listEtcdMembers(deps, input),
    /** Moves etcd leadership off a node before it leaves. */
    talosEtcdForfeitLeadership: (input: TalosNodeRef): Promise<{ readonly newLeader: string }> => forfeitEtcdLeadership(deps, input),
    /** Makes a live node's member leave etcd. */
    talosEtcdLeaveCluster: (input: TalosNodeRef): Promise<{ readonly left: boolean }> => leaveEtcdCluster(deps, input),
    /** Removes the member of a node that is gone; already removed is success. */
    talosEtcdRemoveMember: (input: RemoveEtcdMemberInput): Promise<{ readonly removed: boolean }> => removeEtcdMember(deps, input),
    /** Streams an etcd snapshot to a file on the worker, atomically. */
    talosEtcdSnapshot: (input: EtcdSnapshotInput): Promise<WrittenFile> => snapshotEtcd(deps, input),
    /** Waits until a machine is a voting (promoted) etcd member, heartbeating. */
    talosWaitForEtcdMember: (input: WaitForEtcdMemberInput): Promise<EtcdMemberInfo> => waitForEtcdMember(deps, input),
    /** Restore: wipes etcd's data on a control plane (Reset of EPHEMERAL) unless its etcd already waits empty. */
    talosEtcdWipe: (input: TalosNodeRef): Promise<WipeEtcdDataResult> => wipeEtcdData(deps, input),
    /** Restore: Bootstrap{recover_etcd} on the node holding the upload, then waits until its etcd runs restored. */
    talosEtcdRecoveryBootstrap: (input: RecoveryBootstrapInput): Promise<RecoveryBootstrapResult> => bootstrapEtcdRecovery(deps, input),
    /** Restore: waits until every control plane is a voting member of the restored etcd. */
    talosWaitForEtcdRecovered: (input: WaitForEtcdRecoveredInput): Promise<EtcdMemberInfo[]> => waitForEtcdRecovered(deps, input),
    /** Starts a Talos OS upgrade (legacy Upgrade API, or ImageService + LifecycleService). */
    talosUpgrade: (input: UpgradeNodeInput): Promise<UpgradeNodeResult> => upgradeNode(deps, input),
    /** Reboots a node. */
    talosReboot: (input: RebootNodeInput): Promise<ActorResult> => rebootNode(deps, input),
    /** Wipes a node; one already back in maintenance mode counts as reset. */
    talosReset: (input: ResetNodeInput): Promise<ActorResult & { readonly alreadyReset: boolean }> => resetNode(deps, input),
  };
}
