// A machine's conditions, read off one observation: what `kubectl get machines` and `capstan
// describe` show, in CAPI v1beta2's names and reasons. Pure, so the observer that writes them and
// any plan that reads them agree.
import { MachineConditionReason as Reason, MachineConditionType as Type } from '../api/capi/machine-conditions.ts';
import type { MachineConditionView } from '../api/cluster-messages.ts';
import type { ClusterObservation, ConditionStatus, MachineObservation, NodeObservation } from '../api/observation.ts';

/** What besides the machine itself its conditions depend on. */
export interface MachineConditionFacts {
  /** Whether the workload cluster's API answered: a Node unseen through a down API is unknown, not gone. */
  readonly kubernetesApi: ClusterObservation['kubernetesApi'];
  /** A control plane answered the etcd member list; without it membership is unknown. */
  readonly etcdMembersKnown: boolean;
  /** The machine's config Secret (`<machine>-bootstrap-data`) exists, when the caller knows. */
  readonly bootstrapDataExists?: boolean;
}

/** Node conditions that report trouble when True (the kubelet's pressure and network conditions). */
const troubleWhenTrue = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'] as const;

/**
 * The machine's conditions: InfrastructureReady, BootstrapConfigReady, NodeReady, NodeHealthy,
 * EtcdMemberHealthy (control planes) and Ready (all of them True), in that order. Timestamps are
 * the writer's business (`stampConditions`).
 */
export function machineConditions(machine: MachineObservation, facts: MachineConditionFacts): MachineConditionView[] {
  const parts = [
    infrastructureReady(machine),
    bootstrapConfigReady(machine, facts),
    nodeReady(machine, facts),
    nodeHealthy(machine, facts),
    ...(machine.role === 'control-plane' ? [etcdMemberHealthy(machine, facts)] : []),
  ];
  return [...parts, ready(machine, parts)];
}

function condition(type: string, status: ConditionStatus, reason: string, message?: string): MachineConditionView {
  return { type, status, reason, ...(message === undefined ? {} : { message }) };
}

function infrastructureReady(machine: MachineObservation): MachineConditionView {
  const vm = machine.vm;
  if (!vm) {
    return machine.providerID === undefined
      ? condition(Type.InfrastructureReady, 'False', Reason.Provisioning, 'the VM has not been cloned yet')
      : condition(Type.InfrastructureReady, 'False', Reason.VMNotFound, `the VM (${machine.providerID}) no longer exists in Proxmox`);
  }
  if (vm.status !== 'running') {
    return condition(Type.InfrastructureReady, 'False', Reason.VMStopped, `VM ${vm.vmid} on ${vm.node} is ${vm.status}`);
  }
  return condition(Type.InfrastructureReady, 'True', Reason.Ready, `VM ${vm.vmid} runs on ${vm.node}`);
}

function bootstrapConfigReady(machine: MachineObservation, facts: MachineConditionFacts): MachineConditionView {
  if (machine.talos?.reachable) {
    return condition(Type.BootstrapConfigReady, 'True', Reason.DataSecretProvided, `Talos ${machine.talos.version} is configured`);
  }
  if (facts.bootstrapDataExists) {
    return condition(
      Type.BootstrapConfigReady,
      'True',
      Reason.DataSecretProvided,
      `Secret ${machine.name}-bootstrap-data holds its config`,
    );
  }
  return condition(Type.BootstrapConfigReady, 'False', Reason.WaitingForBootstrapData, 'its machine config has not been rendered yet');
}

// What NodeReady and NodeHealthy say when there is no Node to look at; undefined when there is one.
function withoutNode(type: string, machine: MachineObservation, facts: MachineConditionFacts): MachineConditionView | undefined {
  if (facts.kubernetesApi === 'unreachable') {
    return condition(type, 'Unknown', Reason.ConnectionDown, "the workload cluster's API does not answer");
  }
  if (facts.kubernetesApi === 'none') {
    return condition(type, 'False', Reason.NodeNotFound, "the workload cluster's API is not set up yet");
  }
  if (machine.node) return undefined;
  return machine.hadNode
    ? condition(type, 'False', Reason.NodeDeleted, `Node ${machine.name} was deleted`)
    : condition(type, 'False', Reason.NodeNotFound, `Node ${machine.name} has not joined yet`);
}

function nodeReady(machine: MachineObservation, facts: MachineConditionFacts): MachineConditionView {
  const missing = withoutNode(Type.NodeReady, machine, facts);
  if (missing || !machine.node) return missing ?? condition(Type.NodeReady, 'Unknown', Reason.NodeReadyUnknown);
  const node = machine.node;
  const why = node.conditions.find((c) => c.type === 'Ready')?.reason;
  const detail = why ? ` (${why})` : '';
  if (node.ready === 'True') return condition(Type.NodeReady, 'True', Reason.NodeReady, `Node ${machine.name} is Ready`);
  if (node.ready === 'False') return condition(Type.NodeReady, 'False', Reason.NodeNotReady, `Node ${machine.name} is not Ready${detail}`);
  return condition(Type.NodeReady, 'Unknown', Reason.NodeReadyUnknown, `Node ${machine.name} reports Ready Unknown${detail}`);
}

/** The Node conditions other than Ready that are in trouble (`MemoryPressure is True`, …). */
export function nodeTroubles(node: NodeObservation): string[] {
  return node.conditions
    .filter((c) => (troubleWhenTrue as readonly string[]).includes(c.type) && c.status === 'True')
    .map((c) => `${c.type} is True`);
}

function nodeHealthy(machine: MachineObservation, facts: MachineConditionFacts): MachineConditionView {
  const missing = withoutNode(Type.NodeHealthy, machine, facts);
  if (missing || !machine.node) return missing ?? condition(Type.NodeHealthy, 'Unknown', Reason.NodeReadyUnknown);
  const troubles = nodeTroubles(machine.node);
  return troubles.length === 0
    ? condition(Type.NodeHealthy, 'True', Reason.NodeHealthy, `Node ${machine.name} reports no pressure`)
    : condition(Type.NodeHealthy, 'False', Reason.NodeNotHealthy, `Node ${machine.name}: ${troubles.join(', ')}`);
}

function etcdMemberHealthy(machine: MachineObservation, facts: MachineConditionFacts): MachineConditionView {
  const etcd = machine.etcd;
  if (!etcd) {
    return facts.etcdMembersKnown
      ? condition(Type.EtcdMemberHealthy, 'False', Reason.NotAMember, `${machine.name} is not an etcd member`)
      : condition(Type.EtcdMemberHealthy, 'Unknown', Reason.InspectionFailed, 'no control plane answered the etcd member list');
  }
  if (etcd.learner)
    return condition(Type.EtcdMemberHealthy, 'False', Reason.Learner, `etcd member ${etcd.id} is a learner (not promoted yet)`);
  if (!etcd.healthy) {
    return condition(Type.EtcdMemberHealthy, 'False', Reason.NotHealthy, `etcd member ${etcd.id}: ${etcd.problem ?? 'not healthy'}`);
  }
  return condition(Type.EtcdMemberHealthy, 'True', Reason.Healthy, `etcd member ${etcd.id} is healthy`);
}

// CAPI v1beta2's summary: True only when every part is; the message names the parts that are not.
function ready(machine: MachineObservation, parts: readonly MachineConditionView[]): MachineConditionView {
  if (machine.deleting) return condition(Type.Ready, 'False', Reason.Deleting, 'the Machine is being deleted');
  const notTrue = parts.filter((c) => c.status !== 'True');
  if (notTrue.length === 0) return condition(Type.Ready, 'True', Reason.Ready);
  const message = notTrue.map((c) => `${c.type}: ${c.message ?? c.reason}`).join('; ');
  return notTrue.some((c) => c.status === 'False')
    ? condition(Type.Ready, 'False', Reason.NotReady, message)
    : condition(Type.Ready, 'Unknown', Reason.ReadyUnknown, message);
}

/** A condition as stored: with the time its status last changed. */
export type StampedCondition<C extends { readonly type: string; readonly status: string } = MachineConditionView> = C & {
  readonly lastTransitionTime: string;
};

/**
 * Gives each condition its lastTransitionTime: the previous one while its status stays the same
 * (a new reason or message is not a transition), `now` when it changed or is new.
 */
export function stampConditions<C extends { readonly type: string; readonly status: string }>(
  next: readonly C[],
  previous: readonly { readonly type: string; readonly status: string; readonly lastTransitionTime?: string }[],
  now: string,
): StampedCondition<C>[] {
  return next.map((c) => {
    const before = previous.find((p) => p.type === c.type);
    const since = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : now;
    return { ...c, lastTransitionTime: since };
  });
}
