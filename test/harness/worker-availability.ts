// "Never more than maxUnavailable workers unavailable; never fewer Ready than the strategy
// allows", judged from the Talos simulator's event log alone so that one sequence number is the
// clock. A node counts as Ready from its `k8s.node-ready` until its `k8s.node-not-ready` or its
// `node.down`. A VM stopped or destroyed in the Proxmox simulator appears here as `node.down`
// (reason vm-stopped / vm-destroyed): the Talos simulator records it synchronously from the
// Proxmox hooks, so the VM log is not needed.
// Cordon is not recorded by the simulator (nor is uncordon or Node removal), so a node being
// drained still counts as Ready until its VM or node goes down or the kubelet reports NotReady:
// the check is lenient during a drain, never stricter than the truth. `pod.evicted` is not used
// as a drain marker because no event ends it for a node that is uncordoned without a reboot.
import type { TalosEvent } from './invariants.ts';

/** Which worker nodes must stay Ready, and over which stretch of the Talos event log. */
export interface AvailabilityRule {
  /**
   * A MachineDeployment's name (its nodes are `<cluster>-<name>-<5 hex>`), or a matcher on the
   * Node name applied to the cluster's workers; omitted: every worker of the cluster.
   */
  readonly deployment?: string | ((nodeName: string) => boolean);
  /** The fewest Ready nodes allowed: replicas − maxUnavailable (surge 1 / unavailable 0: replicas). */
  readonly minReady: number;
  /**
   * Judge only after this Talos event (e.g. the last one before the rollout started); the state
   * at that point must already hold. Omitted: from the first moment `minReady` nodes are Ready,
   * so the ramp-up of a provision is not a fault (never reaching it is).
   */
  readonly afterTalosEvent?: number;
  /** Judge up to and including this Talos event; omitted: to the end of the log (or the delete). */
  readonly untilTalosEvent?: number;
}

/** Whether a Node name belongs to the rule's nodes, given the roles seen in `node.configured`. */
function selector(cluster: string, rule: AvailabilityRule, roles: ReadonlyMap<string, string>): (name: string) => boolean {
  const { deployment } = rule;
  if (typeof deployment === 'string') {
    // Machines are `<cluster>-<deployment>-<5 hex>`, the cluster prefix not repeated (see newMachineName).
    const group = deployment.startsWith(`${cluster}-`) ? deployment.slice(cluster.length + 1) : deployment;
    const pattern = new RegExp(`^${escape(cluster)}-${escape(group)}-[0-9a-f]{5}$`);
    return (name) => pattern.test(name);
  }
  const controlPlane = new RegExp(`^${escape(cluster)}-cp-[0-9a-f]{5}$`);
  // The role from the machine config when the log has it, else the naming convention.
  const worker = (name: string) => (roles.get(name) ?? (controlPlane.test(name) ? 'controlplane' : 'worker')) === 'worker';
  return (name) => worker(name) && (deployment === undefined || deployment(name));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function label(cluster: string, rule: AvailabilityRule): string {
  if (typeof rule.deployment === 'string') return `deployment ${rule.deployment} of ${cluster}`;
  return rule.deployment === undefined ? `workers of ${cluster}` : `selected workers of ${cluster}`;
}

/** The Ready set of the selected nodes after each event that changed it, in log order. */
function readyTimeline(
  events: readonly TalosEvent[],
  cluster: string,
  selected: (name: string) => boolean,
): Array<{ seq: number; ready: string[] }> {
  const ready = new Set<string>();
  const timeline: Array<{ seq: number; ready: string[] }> = [];
  for (const event of events) {
    const name = event.hostname;
    // A node.down may carry no cluster (the simulator names one only while it still knows the node's): keep following nodes already Ready.
    if (name === undefined || (event.cluster !== cluster && !ready.has(name)) || !selected(name)) continue;
    const before = ready.size;
    if (event.type === 'k8s.node-ready') ready.add(name);
    if (event.type === 'k8s.node-not-ready' || event.type === 'node.down') ready.delete(name);
    if (ready.size !== before) timeline.push({ seq: event.seq, ready: [...ready].sort() });
  }
  return timeline;
}

/** Every moment the rule's nodes had fewer Ready than `minReady`, in words; empty when it held. */
export function availabilityViolations(
  talosEvents: readonly TalosEvent[],
  cluster: string,
  rule: AvailabilityRule,
  endSeq?: number,
): string[] {
  const events = [...talosEvents].sort((a, b) => a.seq - b.seq);
  const roles = new Map<string, string>();
  for (const event of events) {
    const machineType = event.detail?.['machineType'];
    if (event.type === 'node.configured' && event.cluster === cluster && event.hostname !== undefined && typeof machineType === 'string')
      roles.set(event.hostname, machineType);
  }
  const until = rule.untilTalosEvent ?? endSeq ?? Infinity;
  const timeline = readyTimeline(events, cluster, selector(cluster, rule, roles)).filter((t) => t.seq <= until);
  const what = label(cluster, rule);
  const { minReady, afterTalosEvent } = rule;
  const describe = (ready: readonly string[], when: string) =>
    `${what}: ${ready.length} Ready at Talos event ${when}, at least ${minReady} required (Ready: ${ready.join(', ') || 'none'})`;

  let judged: Array<{ seq: number; ready: string[] }>;
  let previous: number;
  const violations: string[] = [];
  if (afterTalosEvent === undefined) {
    const first = timeline.findIndex((t) => t.ready.length >= minReady);
    if (first < 0) {
      const most = Math.max(0, ...timeline.map((t) => t.ready.length));
      return minReady > 0 ? [`${what}: never had ${minReady} Ready (at most ${most})`] : [];
    }
    judged = timeline.slice(first + 1);
    previous = minReady;
  } else {
    const atStart = timeline.filter((t) => t.seq <= afterTalosEvent).at(-1)?.ready ?? [];
    if (atStart.length < minReady) violations.push(describe(atStart, `${afterTalosEvent} (the start of the judged stretch)`));
    judged = timeline.filter((t) => t.seq > afterTalosEvent);
    previous = atStart.length;
  }
  // One message per dip below minReady, and one more each time it sinks further.
  for (const { seq, ready } of judged) {
    if (ready.length < minReady && ready.length < Math.min(previous, minReady)) violations.push(describe(ready, String(seq)));
    previous = ready.length;
  }
  return violations;
}
