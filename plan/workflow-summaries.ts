import type { ClusterPlan, MachineChange } from '../api/cluster-plan.ts';
import { clusterKey, type ClusterRef } from '../api/cluster-ref.ts';
import type { CreateMachineInput, DeleteMachineInput } from '../api/machine-operations.ts';
import { oneLine } from './one-line.ts';

/**
 * What the Web UI shows for a workflow before it has run a step: a one-line summary in the
 * list and on top of the run, and markdown details under it. Built from names, versions and
 * counts only; a machine's config (its Talos patches) never enters them.
 */
export interface WorkflowMetadata {
  readonly staticSummary: string;
  readonly staticDetails: string;
}

/** Long lists (a 100-machine rollout) are cut: the progress query has them all. */
const maxListed = 30;

type Planned = Extract<ClusterPlan, { ok: true }>;

/** The long-lived cluster workflow the controller starts. */
export function clusterWorkflowMetadata(cluster: ClusterRef): WorkflowMetadata {
  const key = clusterKey(cluster);
  return {
    staticSummary: oneLine(`cluster ${key}: observes it, plans from its spec, runs one operation at a time`),
    staticDetails: [
      `**Cluster** \`${key}\`, managed by Capstan.`,
      '',
      "This run observes the cluster, plans the next operation from the spec and runs it as a child workflow. Its current details name the running operation's workflow ID and, when a step is blocked, the error and how to retry.",
      '',
      '- Query `clusterProgress`: phase, the running operation, blocked steps, machines.',
      '- Query `plan`: the dry run of what it would do next.',
    ].join('\n'),
  };
}

/** The semaphore that limits clones at once on one Proxmox storage, shared by every worker. */
export function cloneSlotsMetadata(proxmoxHost: string, storage: string, limit: number): WorkflowMetadata {
  return {
    staticSummary: oneLine(`clone slots of storage ${storage} on ${proxmoxHost}: ${plural(limit, 'clone')} at once`),
    staticDetails: `Grants clone slots on storage \`${storage}\` of Proxmox \`${proxmoxHost}\` to machine runs, ${limit} at a time; a holder renews its lease while its clone runs.`,
  };
}

/**
 * An operation the cluster workflow starts as its child: what it does, how many steps, and each
 * step. `steps` is the run's own count ("step i of n") where it differs from the plan's list: an
 * upgrade plans hops and counts a step per machine and hop.
 */
export function operationMetadata(cluster: ClusterRef, plan: Planned, steps: number = plan.steps.length): WorkflowMetadata {
  const key = clusterKey(cluster);
  const what = plan.summary.includes(key) ? plan.summary : `${key}: ${plan.summary}`;
  const changes = plan.machineChanges ?? [];
  const size = plan.operation === 'upgrade' ? `${plural(steps, 'step')}, ${plural(changes.length, 'machine')}` : plural(steps, 'step');
  return {
    staticSummary: oneLine(`${what} (${size})`),
    staticDetails: [
      `**${plan.operation}** of cluster \`${key}\`: ${plan.summary}.`,
      '',
      plan.operation === 'upgrade' ? '**Planned hops**' : '**Planned steps**',
      ...listed(plan.steps.map((s, i) => `${i + 1}. ${s}`)),
      ...(changes.length === 0 ? [] : ['', '**Machines**', ...listed(changes.map(describeChange))]),
      '',
      'Send the update `retry` to run a blocked step again, `abort` (with a reason) to end the operation, `pause`/`resume` to hold it between steps.',
    ].join('\n'),
  };
}

/** The run that builds one machine. */
export function createMachineMetadata(input: CreateMachineInput): WorkflowMetadata {
  const { intent, vm } = input;
  const key = clusterKey(input.cluster);
  const group = input.deployment === undefined ? '' : ` in ${input.deployment}`;
  return {
    staticSummary: oneLine(
      `create ${input.role} ${input.machine}${group} of ${key} (Kubernetes ${intent.kubernetesVersion}, Talos ${intent.talosVersion})${
        input.bootstrap ? ', bootstraps etcd' : ''
      }`,
    ),
    staticDetails: [
      `**Machine** \`${input.machine}\` (${input.role}${group}) of cluster \`${key}\``,
      '',
      `- Kubernetes ${intent.kubernetesVersion}, Talos ${intent.talosVersion}`,
      `- VM: cloned from template ${vm.templateVmid}; ${vm.cores} cores, ${vm.memoryMiB} MiB, ${vm.diskGiB} GiB disk`,
      `- Proxmox nodes: ${vm.allowedNodes.length === 0 ? 'any' : vm.allowedNodes.join(', ')}`,
      `- Address from pool \`${input.pool.poolName}\``,
      ...(input.bootstrap ? ['- Bootstraps etcd: the first control plane of the cluster'] : []),
    ].join('\n'),
  };
}

/** The run that removes one machine. */
export function deleteMachineMetadata(input: DeleteMachineInput): WorkflowMetadata {
  const key = clusterKey(input.cluster);
  const where = input.vm === undefined ? 'VM not recorded' : `VM ${input.vm.vmid} on ${input.vm.node}`;
  const drain = input.detached
    ? 'no drain: the machine is not part of a running cluster'
    : `drain for up to ${input.drainTimeoutSeconds ?? 600}s, PodDisruptionBudgets respected; then ${
        (input.drainTimeoutAction ?? 'Block') === 'Block' ? 'the step blocks' : 'the delete proceeds'
      }`;
  return {
    staticSummary: oneLine(`delete ${input.role} ${input.machine} of ${key} (${where})`),
    staticDetails: [
      `**Machine** \`${input.machine}\` (${input.role}) of cluster \`${key}\`: ${where}${input.address ? `, address ${input.address}` : ''}`,
      '',
      `- ${drain}`,
      ...(input.role === 'control-plane' && !input.detached
        ? [input.etcdLeft ? '- its etcd member already left' : '- leaves etcd before its VM is destroyed']
        : []),
    ].join('\n'),
  };
}

function describeChange(change: MachineChange): string {
  const how = change.replaced ? 'replaced' : 'in place';
  return `- \`${change.name}\`: Kubernetes ${change.from.kubernetes} → ${change.to.kubernetes}, Talos ${change.from.talos} → ${change.to.talos} (${how})`;
}

function listed(lines: readonly string[]): string[] {
  if (lines.length <= maxListed) return [...lines];
  return [...lines.slice(0, maxListed), `- … and ${lines.length - maxListed} more`];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
