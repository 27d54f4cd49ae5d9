import { Client, status } from '@grpc/grpc-js';
import { channelCredentials, type TalosCredentials } from './credentials.ts';
import { apidEndpoint } from './endpoint.ts';
import { clientStream, serverStream, unaryCall, type TalosCallOptions } from './grpc-calls.ts';
import type * as M from './messages.ts';
import { nodeResults, singleNode, type NodeResult } from './node-replies.ts';
import { method, type TalosService } from './proto-definitions.ts';
import { local, routingMetadata, type TalosRouting } from './routing.ts';
import { TalosCallError } from './talos-call-error.ts';
import { talosCallMetrics } from '../../../runtime/metrics/talos-metrics.ts';

/** Routing for streams and per-node services, whose replies cannot be told apart by node. */
export type SingleNodeRouting = Exclude<TalosRouting, { kind: 'nodes' }>;

// Talos' own limit; etcd snapshots and kubeconfigs come in chunks well below it.
const maxMessageBytes = 32 * 1024 * 1024;
const machine: TalosService = 'machine.MachineService';

/**
 * A client of one node's apid (`ip`, `ip:port` or a talosconfig endpoint). Unary calls return
 * one result per node, so fan-out (`nodes` routing) and single-node calls read the same way.
 * Close it when done: each client owns its connection.
 */
export class TalosMachineClient {
  private readonly client: Client;

  constructor(
    address: string,
    readonly credentials: TalosCredentials,
  ) {
    this.client = new Client(apidEndpoint(address), channelCredentials(credentials), {
      'grpc.max_receive_message_length': maxMessageBytes,
      'grpc.max_send_message_length': maxMessageBytes,
      // A connection per client, closed with it: a node that reboots into new certificates
      // must never be reached through a pooled connection of an earlier activity.
      'grpc.use_local_subchannel_pool': 1,
      interceptors: [talosCallMetrics],
    });
  }

  /** Talos version and platform. */
  version(routing: TalosRouting = local, options?: TalosCallOptions): Promise<NodeResult<M.VersionReply>[]> {
    return this.unary(machine, 'Version', {}, routing, options);
  }

  /** Services (etcd, kubelet, apid, ...) with state and health. */
  serviceList(routing: TalosRouting = local, options?: TalosCallOptions): Promise<NodeResult<M.ServiceListReply>[]> {
    return this.unary(machine, 'ServiceList', {}, routing, options);
  }

  /** Applies a full machine config (multi-document YAML). */
  applyConfiguration(request: M.ApplyConfigurationRequest, routing: TalosRouting = local, options?: TalosCallOptions) {
    return this.unary<M.ApplyConfigurationReply>(machine, 'ApplyConfiguration', request, routing, options);
  }

  /** Starts etcd as a new one-member cluster on a control-plane node. */
  bootstrap(routing: TalosRouting = local, options?: TalosCallOptions): Promise<NodeResult<M.NodeReplyMessage>[]> {
    return this.unary(machine, 'Bootstrap', { recoverEtcd: false, recoverSkipHashCheck: false }, routing, options);
  }

  /**
   * Bootstrap{recover_etcd}: etcd starts from the snapshot uploaded with `etcdRecover`. Talos
   * answers at once and restores in the etcd service's pre stage, so success shows later as a
   * running etcd, failure as a `Failed` etcd service. `skipHashCheck` is for a bare db copied
   * from a data directory, which has no sha256 trailer.
   */
  bootstrapRecovery(skipHashCheck = false, routing: TalosRouting = local, options?: TalosCallOptions) {
    const request = { recoverEtcd: true, recoverSkipHashCheck: skipHashCheck };
    return this.unary<M.NodeReplyMessage>(machine, 'Bootstrap', request, routing, options);
  }

  /**
   * Uploads an etcd snapshot (as EtcdSnapshot streamed it) to a control plane for a recovery
   * bootstrap; `onSent` sees the running byte count. One node only: the upload is per node.
   */
  async etcdRecover(
    snapshot: AsyncIterable<Buffer>,
    onSent: (bytes: number) => void = () => {},
    routing: SingleNodeRouting = local,
    options?: TalosCallOptions,
  ): Promise<M.NodeReplyMessage> {
    const path = `${machine}/EtcdRecover`;
    let sent = 0;
    async function* chunks(): AsyncGenerator<{ bytes: Buffer }> {
      for await (const bytes of snapshot) {
        yield { bytes };
        sent += bytes.length;
        onSent(sent);
      }
    }
    const def = method(machine, 'EtcdRecover');
    const response = await clientStream<M.RepliesOf<M.NodeReplyMessage>>(this.client, def, chunks(), routingMetadata(routing), options);
    return singleNode(path, nodeResults(path, response));
  }

  /** The etcd members as the node's etcd client sees them (`queryLocal`: the local member only). */
  etcdMemberList(routing: TalosRouting = local, options?: TalosCallOptions & { queryLocal?: boolean }) {
    return this.unary<M.EtcdMembersReply>(machine, 'EtcdMemberList', { queryLocal: options?.queryLocal ?? false }, routing, options);
  }

  /** The local etcd member's status (id, leader, raft index, errors): health as `talosctl etcd status` shows it. */
  etcdStatus(routing: TalosRouting = local, options?: TalosCallOptions) {
    return this.unary<M.EtcdStatusReply>(machine, 'EtcdStatus', {}, routing, options);
  }

  /** Removes a member whose node is gone; an unknown id is NOT_FOUND. */
  etcdRemoveMemberById(memberId: string, routing: TalosRouting = local, options?: TalosCallOptions) {
    return this.unary<M.NodeReplyMessage>(machine, 'EtcdRemoveMemberByID', { memberId }, routing, options);
  }

  /** Makes the node's own member leave etcd. */
  etcdLeaveCluster(routing: TalosRouting = local, options?: TalosCallOptions) {
    return this.unary<M.NodeReplyMessage>(machine, 'EtcdLeaveCluster', {}, routing, options);
  }

  /** Moves etcd leadership away from the node; the reply names the new leader. */
  etcdForfeitLeadership(routing: TalosRouting = local, options?: TalosCallOptions) {
    return this.unary<M.EtcdForfeitLeadershipReply>(machine, 'EtcdForfeitLeadership', {}, routing, options);
  }

  /** Legacy MachineService.Upgrade (deprecated since Talos 1.13): pulls, installs, reboots. */
  upgrade(request: M.UpgradeRequest, routing: TalosRouting = local, options?: TalosCallOptions) {
    return this.unary<M.UpgradeReply>(machine, 'Upgrade', request, routing, options);
  }

  /** Reboots; the reply comes first, then the connection drops. */
  reboot(mode: M.RebootMode = 'DEFAULT', routing: TalosRouting = local, options?: TalosCallOptions) {
    return this.unary<M.ActorReply>(machine, 'Reboot', { mode }, routing, options);
  }

  /** Wipes the node (and optionally leaves etcd and drains first when graceful). */
  reset(request: M.ResetRequest, routing: TalosRouting = local, options?: TalosCallOptions) {
    return this.unary<M.ActorReply>(machine, 'Reset', request, routing, options);
  }

  /** The raw .tar.gz the Kubeconfig stream carries (one file, `kubeconfig`). */
  async kubeconfigArchive(routing: SingleNodeRouting = local, options?: TalosCallOptions): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of this.dataStream('Kubeconfig', routing, options)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  /** The local etcd member's snapshot, chunk by chunk. */
  etcdSnapshot(routing: SingleNodeRouting = local, options?: TalosCallOptions): AsyncGenerator<Buffer> {
    return this.dataStream('EtcdSnapshot', routing, options);
  }

  /** ImageService.Pull (Talos >= 1.13): yields progress until the pulled image's name. */
  imagePull(imageRef: string, containerd: M.ContainerdInstance, routing: SingleNodeRouting = local, options?: TalosCallOptions) {
    const def = method('machine.ImageService', 'Pull');
    return serverStream<M.ImagePullMessage>(this.client, def, { containerd, imageRef }, routingMetadata(routing), options);
  }

  /** LifecycleService.Upgrade (Talos >= 1.13): installer output, then an exit code; no reboot, no etcd guard. */
  lifecycleUpgrade(imageName: string, containerd: M.ContainerdInstance, routing: SingleNodeRouting = local, options?: TalosCallOptions) {
    const def = method('machine.LifecycleService', 'Upgrade');
    const request = { containerd, source: { imageName } };
    return serverStream<M.LifecycleUpgradeMessage>(this.client, def, request, routingMetadata(routing), options);
  }

  /** Closes the connection. */
  close(): void {
    this.client.close();
  }

  private async unary<T extends M.NodeReplyMessage>(
    service: TalosService,
    name: string,
    request: object,
    routing: TalosRouting,
    options?: TalosCallOptions,
  ): Promise<NodeResult<T>[]> {
    const def = method(service, name);
    const response = await unaryCall<M.RepliesOf<T>>(this.client, def, request, routingMetadata(routing), options);
    return nodeResults(`${service}/${name}`, response);
  }

  // apid sends a node's failure inside a stream as a Data message whose metadata has `error`.
  private async *dataStream(name: string, routing: SingleNodeRouting, options?: TalosCallOptions): AsyncGenerator<Buffer> {
    const def = method(machine, name);
    for await (const chunk of serverStream<M.DataChunk>(this.client, def, {}, routingMetadata(routing), options)) {
      const error = chunk.metadata?.error;
      if (error) {
        const code = chunk.metadata.status?.code || status.UNKNOWN;
        throw new TalosCallError(code, error, `${machine}/${name}`, chunk.metadata.hostname || undefined);
      }
      if (chunk.bytes.length > 0) yield chunk.bytes;
    }
  }
}
