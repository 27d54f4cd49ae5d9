// What the observer writes on the inventory's objects so `kubectl get machines` shows reality: the
// status of each Machine, ProxmoxMachine and MachineSet, built from one observation (pure), and
// compared with what the object shows before anything is written.
import type { V1Node } from '@kubernetes/client-node';
import { MachineConditionType } from '../../api/capi/machine-conditions.ts';
import { ProxmoxMachineConditionType } from '../../api/capi/proxmox-machine.ts';
import type { MachineConditionView } from '../../api/cluster-messages.ts';
import type { MachineObservation } from '../../api/observation.ts';
import { stableStringify } from '../../api/hash.ts';
import { stampConditions } from '../../plan/machine-conditions.ts';
import { selectorString, type KubeObject } from '../inventory/objects.ts';

/** A condition as the object stores it. */
export interface StoredCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly severity?: string;
  readonly lastTransitionTime?: string;
}

/** The condition types the observer owns on a Machine (the health checks own the others). */
export const observedMachineConditionTypes: readonly string[] = [
  MachineConditionType.InfrastructureReady,
  MachineConditionType.BootstrapConfigReady,
  MachineConditionType.NodeReady,
  MachineConditionType.NodeHealthy,
  MachineConditionType.EtcdMemberHealthy,
  MachineConditionType.Ready,
];

/** The stored conditions of an object. */
export function conditionsOf(object: KubeObject): StoredCondition[] {
  const conditions = object.status?.['conditions'];
  return Array.isArray(conditions) ? (conditions as StoredCondition[]) : [];
}

/** A condition a writer owns: v1beta2 style (always a reason) or CAPMOX's v1beta1 style (severity, no reason when True). */
export interface OwnedCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
  readonly severity?: 'Error' | 'Warning' | 'Info';
}

/** The status fields one writer owns, with the conditions it owns, ready for server-side apply. */
export interface OwnedStatus {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly conditions: readonly OwnedCondition[];
}

/** Whether the object already shows the owned status (conditions by type, status, reason, message, severity). */
export function showsAlready(object: KubeObject, owned: OwnedStatus, conditionTypes: readonly string[]): boolean {
  const status = object.status ?? {};
  const keys = new Set([...Object.keys(owned.fields)]);
  for (const key of keys) if (stableStringify(status[key]) !== stableStringify(owned.fields[key])) return false;
  const current = conditionsOf(object).filter((c) => conditionTypes.includes(c.type));
  if (current.length !== owned.conditions.length) return false;
  return owned.conditions.every((w) => {
    const c = current.find((x) => x.type === w.type);
    return (
      c !== undefined &&
      c.status === w.status &&
      (c.reason ?? '') === (w.reason ?? '') &&
      (c.message ?? '') === (w.message ?? '') &&
      (c.severity ?? '') === (w.severity ?? '')
    );
  });
}

/** The body to apply: the owned fields (absent ones left out, so the apply removes them) and the stamped conditions. */
export function applyBody(object: KubeObject, owned: OwnedStatus, now: string): Record<string, unknown> {
  const fields = Object.fromEntries(Object.entries(owned.fields).filter(([, v]) => v !== undefined));
  if (owned.conditions.length === 0) return fields;
  return { ...fields, conditions: stampConditions(owned.conditions, conditionsOf(object), now) };
}

/** Observation facts the Machine's status needs beyond the observation itself. */
export interface MachineStatusFacts {
  /** Its Node as listed now, when the workload API answered and has one. */
  readonly node?: V1Node;
  readonly bootstrapReady: boolean;
  readonly conditions: readonly MachineConditionView[];
  readonly now: string;
}

/**
 * The Machine's status as CAPI v1beta1 shows it: phase derived as CAPI derives it (Pending →
 * Provisioning → Provisioned → Running; Failed; Deleting), addresses, nodeRef and nodeInfo (kept
 * once seen, so a deleted Node is known as deleted), bootstrap/infrastructure readiness, and where
 * the VM runs and which Talos it runs.
 */
export function machineStatus(machine: MachineObservation, object: KubeObject, facts: MachineStatusFacts): OwnedStatus {
  const previous = object.status ?? {};
  const infrastructureReady = machine.vm?.status === 'running';
  const vmGone = !machine.vm && machine.providerID !== undefined;
  const node = facts.node;
  const nodeRef = node
    ? {
        apiVersion: 'v1',
        kind: 'Node',
        name: node.metadata?.name ?? machine.name,
        ...(node.metadata?.uid ? { uid: node.metadata.uid } : {}),
      }
    : previous['nodeRef'];
  let phase = 'Pending';
  if (facts.bootstrapReady && !infrastructureReady) phase = 'Provisioning';
  if (machine.providerID !== undefined) phase = 'Provisioned';
  if (nodeRef !== undefined && infrastructureReady) phase = 'Running';
  if (vmGone) phase = 'Failed';
  if (machine.deleting) phase = 'Deleting';
  const lastUpdated = previous['phase'] === phase && typeof previous['lastUpdated'] === 'string' ? previous['lastUpdated'] : facts.now;
  return {
    fields: {
      phase,
      lastUpdated,
      addresses: machine.address
        ? [
            { type: 'InternalIP', address: machine.address.ip },
            { type: 'Hostname', address: machine.name },
          ]
        : undefined,
      nodeRef,
      nodeInfo: node ? nodeInfoOf(node) : previous['nodeInfo'],
      bootstrapReady: facts.bootstrapReady,
      infrastructureReady,
      failureReason: vmGone ? 'VMNotFound' : undefined,
      failureMessage: vmGone ? `its VM (${machine.providerID ?? ''}) was deleted outside Capstan` : undefined,
      proxmox: machine.vm ? { node: machine.vm.node, vmid: machine.vm.vmid } : undefined,
      talosVersion: machine.talos?.reachable ? machine.talos.version : previous['talosVersion'],
    },
    conditions: facts.conditions,
  };
}

function nodeInfoOf(node: V1Node): Record<string, string> | undefined {
  const info = node.status?.nodeInfo;
  if (!info) return undefined;
  const fields = {
    machineID: info.machineID,
    systemUUID: info.systemUUID,
    bootID: info.bootID,
    kernelVersion: info.kernelVersion,
    osImage: info.osImage,
    containerRuntimeVersion: info.containerRuntimeVersion,
    kubeletVersion: info.kubeletVersion,
    kubeProxyVersion: info.kubeProxyVersion,
    operatingSystem: info.operatingSystem,
    architecture: info.architecture,
  };
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

/**
 * The ProxmoxMachine's status as CAPMOX shows it: ready (the VM runs), vmStatus, the node it is on,
 * its addresses, and VMProvisioned / Ready.
 */
export function proxmoxMachineStatus(machine: MachineObservation, bootstrapReady: boolean): OwnedStatus {
  const vm = machine.vm;
  const running = vm?.status === 'running';
  const missing: Omit<OwnedCondition, 'type'> =
    machine.providerID === undefined
      ? { status: 'False', reason: 'Cloning', severity: 'Info', message: 'the VM has not been cloned yet' }
      : { status: 'False', reason: 'NotFound', severity: 'Error', message: `the VM (${machine.providerID}) no longer exists in Proxmox` };
  const provisioned: Omit<OwnedCondition, 'type'> = vm ? { status: 'True' } : missing;
  const ready: Omit<OwnedCondition, 'type'> = running
    ? { status: 'True' }
    : vm
      ? { status: 'False', reason: 'VMStopped', severity: 'Warning', message: `VM ${vm.vmid} on ${vm.node} is ${vm.status}` }
      : missing;
  return {
    fields: {
      ready: running,
      vmStatus: vm ? (running ? 'ready' : 'pending') : machine.providerID === undefined ? 'pending' : 'notfound',
      proxmoxNode: vm?.node,
      bootstrapDataProvided: bootstrapReady,
      addresses: machine.address
        ? [
            { type: 'InternalIP', address: machine.address.ip },
            { type: 'Hostname', address: machine.name },
          ]
        : undefined,
      ipAddresses: machine.address ? { net0: { ipv4: machine.address.ip } } : undefined,
    },
    conditions: [
      { type: ProxmoxMachineConditionType.VMProvisioned, ...provisioned },
      { type: ProxmoxMachineConditionType.Ready, ...ready },
    ],
  };
}

/** The ProxmoxMachine condition types the observer owns. */
export const observedProxmoxMachineConditionTypes: readonly string[] = [
  ProxmoxMachineConditionType.VMProvisioned,
  ProxmoxMachineConditionType.Ready,
];

/**
 * The MachineSet's counts as CAPI reports them. Ready and available counts need the Nodes: when
 * the workload API did not answer they stay as last written.
 */
export function machineSetStatus(set: KubeObject, machines: readonly MachineObservation[], nodesKnown: boolean, now: number): OwnedStatus {
  const previous = set.status ?? {};
  const members = machines.filter((m) => m.machineSet === set.metadata.name);
  const minReadySeconds = Number(set.spec?.['minReadySeconds'] ?? 0);
  const ready = members.filter((m) => m.node?.ready === 'True');
  const available = ready.filter((m) => {
    const since = m.node?.conditions.find((c) => c.type === 'Ready')?.lastTransitionTime;
    return minReadySeconds <= 0 || (since !== undefined && since !== '' && now - Date.parse(since) >= minReadySeconds * 1000);
  });
  const matchLabels = (set.spec?.['selector'] as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
  const selector = selectorString(matchLabels);
  return {
    fields: {
      selector,
      replicas: members.length,
      fullyLabeledReplicas: members.length,
      readyReplicas: nodesKnown ? ready.length : previous['readyReplicas'],
      availableReplicas: nodesKnown ? available.length : previous['availableReplicas'],
      ...(set.metadata.generation === undefined ? {} : { observedGeneration: set.metadata.generation }),
    },
    conditions: [],
  };
}
