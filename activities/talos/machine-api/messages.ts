/**
 * TS shapes of the machine-API messages as proto-loader decodes them (camelCase fields,
 * `longs: String`, `enums: String`, `defaults: true`). Requests accept the same shapes.
 */

/** `google.rpc.Status` inside a reply's metadata. */
export interface RpcStatus {
  readonly code: number;
  readonly message: string;
}

/** `common.Metadata`: apid fills it when it proxies; `error` means the node failed. */
export interface ReplyMetadata {
  readonly hostname: string;
  readonly error: string;
  readonly status?: RpcStatus | null;
}

/** Every reply of a unary call carries optional metadata on field 1. */
export interface NodeReplyMessage {
  readonly metadata?: ReplyMetadata | null;
}

/** `XResponse { repeated X messages = 1; }`, the shape of every unary response. */
export interface RepliesOf<T extends NodeReplyMessage> {
  readonly messages: readonly T[];
}

/** `common.Data`, the element of every byte stream (kubeconfig, etcd snapshot). */
export interface DataChunk extends NodeReplyMessage {
  readonly bytes: Buffer;
}

/** ApplyConfigurationRequest.Mode names. */
export type ApplyMode = 'REBOOT' | 'AUTO' | 'NO_REBOOT' | 'STAGED' | 'TRY';

/** `machine.ApplyConfigurationRequest`. */
export interface ApplyConfigurationRequest {
  readonly data: Buffer;
  readonly mode: ApplyMode;
  readonly dryRun?: boolean;
  readonly tryModeTimeout?: { readonly seconds: number; readonly nanos?: number };
}

/** `machine.ApplyConfiguration`. */
export interface ApplyConfigurationReply extends NodeReplyMessage {
  readonly warnings: readonly string[];
  readonly mode: ApplyMode;
  readonly modeDetails: string;
}

/** `machine.Version`. */
export interface VersionReply extends NodeReplyMessage {
  readonly version?: { readonly tag: string; readonly sha: string; readonly arch: string } | null;
  readonly platform?: { readonly name: string; readonly mode: string } | null;
}

/** `machine.ServiceEvent`: one state change of a service and Talos' message for it. */
export interface ServiceEvent {
  readonly msg: string;
  readonly state: string;
  readonly ts?: { readonly seconds: string; readonly nanos: number } | null;
}

/** `machine.ServiceInfo`, trimmed to what readiness checks read. */
export interface ServiceInfo {
  readonly id: string;
  readonly state: string;
  readonly events?: { readonly events: readonly ServiceEvent[] } | null;
  readonly health?: { readonly unknown: boolean; readonly healthy: boolean; readonly lastMessage: string } | null;
}

/** `machine.ServiceList`. */
export interface ServiceListReply extends NodeReplyMessage {
  readonly services: readonly ServiceInfo[];
}

/** `machine.EtcdMember`; `id` is a uint64, kept as a decimal string. */
export interface EtcdMember {
  readonly id: string;
  readonly hostname: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

/** `machine.EtcdMembers`. */
export interface EtcdMembersReply extends NodeReplyMessage {
  readonly members: readonly EtcdMember[];
}

/** `machine.EtcdMemberStatus`; ids and counters are uint64/int64, kept as decimal strings. */
export interface EtcdMemberStatus {
  readonly memberId: string;
  readonly protocolVersion: string;
  readonly dbSize: string;
  readonly dbSizeInUse: string;
  readonly leader: string;
  readonly raftIndex: string;
  readonly raftTerm: string;
  readonly raftAppliedIndex: string;
  readonly errors: readonly string[];
  readonly isLearner: boolean;
}

/** `machine.EtcdStatus`: the local member's status. */
export interface EtcdStatusReply extends NodeReplyMessage {
  readonly memberStatus?: EtcdMemberStatus | null;
}

/** `machine.EtcdForfeitLeadership`: `member` is the new leader. */
export interface EtcdForfeitLeadershipReply extends NodeReplyMessage {
  readonly member: string;
}

/** UpgradeRequest.RebootMode names. */
export type UpgradeRebootMode = 'DEFAULT' | 'POWERCYCLE';

/** `machine.UpgradeRequest` (legacy MachineService.Upgrade). */
export interface UpgradeRequest {
  readonly image: string;
  readonly preserve?: boolean;
  readonly stage?: boolean;
  readonly force?: boolean;
  readonly rebootMode?: UpgradeRebootMode;
}

/** `machine.Upgrade`. */
export interface UpgradeReply extends NodeReplyMessage {
  readonly ack: string;
  readonly actorId: string;
}

/** RebootRequest.Mode names. */
export type RebootMode = 'DEFAULT' | 'POWERCYCLE' | 'FORCE';

/** ResetRequest.WipeMode names. */
export type WipeMode = 'ALL' | 'SYSTEM_DISK' | 'USER_DISKS';

/** `machine.ResetRequest`. */
export interface ResetRequest {
  readonly graceful: boolean;
  readonly reboot: boolean;
  readonly systemPartitionsToWipe?: readonly { readonly label: string; readonly wipe: boolean }[];
  readonly userDisksToWipe?: readonly string[];
  readonly mode?: WipeMode;
}

/** `machine.Reboot`, `machine.Reset`: the action runs after the reply. */
export interface ActorReply extends NodeReplyMessage {
  readonly actorId: string;
}

/** `common.ContainerdInstance`; talosctl's default for upgrades is CRI + system namespace. */
export interface ContainerdInstance {
  readonly driver: 'CONTAINERD' | 'CRI';
  readonly namespace: 'NS_UNKNOWN' | 'NS_SYSTEM' | 'NS_CRI';
}

/** `machine.ImageServicePullResponse` (oneof `response`). */
export interface ImagePullMessage {
  readonly response?: 'name' | 'pullProgress';
  readonly name?: string;
}

/** `machine.LifecycleServiceUpgradeResponse` (progress oneof `response`). */
export interface LifecycleUpgradeMessage {
  readonly progress?: {
    readonly response?: 'message' | 'exitCode';
    readonly message?: string;
    readonly exitCode?: number;
  } | null;
}
