// What each MachineService method does on the node that handles it (after routing and RBAC).
import type { TalosContext } from '../core/context.ts';
import { rpcError } from '../core/rpc-error.ts';
import type { SimNode } from '../core/state.ts';
import { bootstrapEtcd } from '../etcd/bootstrap.ts';
import { localEtcdStatus } from '../etcd/etcd-status.ts';
import { forfeitLeadership, leaveCluster, listMembers, removeMemberById, requireControlPlane, snapshot } from '../etcd/membership.ts';
import { uploadRecoverySnapshot } from '../etcd/recovery.ts';
import { kubeconfigArchive } from '../k8s/kubeconfig.ts';
import { applyConfigured, applyInMaintenance } from '../node/apply-config.ts';
import type { ApplyMode } from '../node/apply-config.ts';
import { hostnameReply, serviceListReply, versionOf } from '../node/info.ts';
import { reboot, reset, shutdown } from '../node/power.ts';
import { upgradeNode } from '../node/upgrade.ts';
import { boolField, bytesField, durationMsField, messagesField, stringField } from './request-fields.ts';
import type { DecodedRequest } from './request-fields.ts';

/** One reply message of a unary method, without metadata. */
export type Reply = Record<string, unknown>;

/** A method as one node runs it. */
export type LocalMethod =
  | { readonly kind: 'unary'; run(ctx: TalosContext, node: SimNode, request: DecodedRequest): Reply | Promise<Reply> }
  | {
      readonly kind: 'stream';
      run(ctx: TalosContext, node: SimNode, request: DecodedRequest): Promise<Buffer[]> | Promise<AsyncIterable<Buffer>>;
    }
  /** A client stream of common.Data, one reply. */
  | { readonly kind: 'upload'; run(ctx: TalosContext, node: SimNode, chunks: AsyncIterable<Buffer>): Promise<Reply> };

const applyModes: readonly ApplyMode[] = ['REBOOT', 'AUTO', 'NO_REBOOT', 'STAGED', 'TRY'];
const unary = (run: (ctx: TalosContext, node: SimNode, request: DecodedRequest) => Reply | Promise<Reply>): LocalMethod => ({
  kind: 'unary',
  run,
});
// A call that never gets an answer: the client's deadline (or cancel) ends it, as with a dial that waits for a listener.
const unanswered = (): Promise<never> =>
  new Promise<never>(() => {
    // Nothing to do: grpc-js ends the call with DEADLINE_EXCEEDED or CANCELLED.
  });

/** The methods, with the try-mode rollback timers they share. */
export function createLocalMethods(): Readonly<Record<string, LocalMethod>> {
  const pendingTry = new Map<number, () => void>();
  return {
    ApplyConfiguration: unary((ctx, node, request) => {
      const modeName = stringField(request, 'mode');
      const tryTimeoutMs = durationMsField(request, 'tryModeTimeout');
      const applyRequest = {
        data: bytesField(request, 'data'),
        mode: applyModes.find((m) => m === modeName) ?? 'REBOOT',
        dryRun: boolField(request, 'dryRun'),
        ...(tryTimeoutMs === undefined ? {} : { tryTimeoutMs }),
      };
      return node.stage === 'maintenance'
        ? applyInMaintenance(ctx, node, applyRequest)
        : applyConfigured(ctx, node, applyRequest, pendingTry);
    }),
    Bootstrap: unary((ctx, node, request) => {
      bootstrapEtcd(ctx, node, {
        recoverEtcd: boolField(request, 'recoverEtcd'),
        skipHashCheck: boolField(request, 'recoverSkipHashCheck'),
      });
      return {};
    }),
    EtcdMemberList: unary((ctx, node, request) => ({
      legacyMembers: [],
      members: listMembers(ctx, node, boolField(request, 'queryLocal')).map((m) => ({
        id: m.id,
        hostname: m.hostname,
        peerUrls: [`https://${m.address}:2380`],
        clientUrls: [`https://${m.address}:2379`],
        isLearner: m.learner,
      })),
    })),
    EtcdRemoveMemberByID: unary((ctx, node, request) => {
      removeMemberById(ctx, node, stringField(request, 'memberId'));
      return {};
    }),
    EtcdLeaveCluster: unary((ctx, node) => {
      leaveCluster(ctx, node);
      return {};
    }),
    EtcdForfeitLeadership: unary((ctx, node) => ({ member: forfeitLeadership(ctx, node) })),
    EtcdRecover: {
      kind: 'upload',
      run: async (ctx, node, data) => {
        await uploadRecoverySnapshot(ctx, node, data);
        return {};
      },
    },
    EtcdSnapshot: { kind: 'stream', run: (ctx, node) => Promise.resolve(snapshot(ctx, node)) },
    EtcdStatus: unary((ctx, node) => {
      const memberStatus = localEtcdStatus(ctx, node);
      return memberStatus === undefined ? unanswered() : { memberStatus };
    }),
    Hostname: unary((_ctx, node) => hostnameReply(node)),
    Kubeconfig: {
      kind: 'stream',
      run: async (ctx, node) => {
        requireControlPlane(node, 'kubeconfig');
        if (node.config === undefined) throw rpcError.unimplemented('kubeconfig is only available on control plane nodes');
        return [await kubeconfigArchive(node.config, ctx.now())];
      },
    },
    Reboot: unary((ctx, node) => ({ actorId: reboot(ctx, node) })),
    Reset: unary((ctx, node, request) => {
      const mode = stringField(request, 'mode');
      return {
        actorId: reset(ctx, node, {
          graceful: boolField(request, 'graceful'),
          reboot: boolField(request, 'reboot'),
          partitions: messagesField(request, 'systemPartitionsToWipe').map((p) => ({
            label: stringField(p, 'label'),
            wipe: boolField(p, 'wipe'),
          })),
          userDisks: Array.isArray(request['userDisksToWipe']) ? request['userDisksToWipe'].map(String) : [],
          mode: mode === 'SYSTEM_DISK' || mode === 'USER_DISKS' ? mode : 'ALL',
        }),
      };
    }),
    ServiceList: unary((ctx, node) => serviceListReply(ctx, node)),
    Shutdown: unary((ctx, node) => ({ actorId: shutdown(ctx, node) })),
    Upgrade: unary((ctx, node, request) => ({
      ack: 'Upgrade request received',
      actorId: upgradeNode(ctx, node, {
        image: stringField(request, 'image'),
        stage: boolField(request, 'stage'),
        force: boolField(request, 'force'),
      }),
    })),
    Version: unary((_ctx, node) => versionOf(node)),
  };
}
