// Label selectors, tolerations and readiness: the few scheduling and status rules the
// simulated controllers apply.
import type { V1LabelSelector, V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';

/** Whether labels match a metav1.LabelSelector (matchLabels and matchExpressions). */
export function selectorMatches(selector: V1LabelSelector | undefined, labels: Readonly<Record<string, string>> = {}): boolean {
  if (selector === undefined) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key];
    const values = expression.values ?? [];
    const ok = {
      In: value !== undefined && values.includes(value),
      NotIn: value === undefined || !values.includes(value),
      Exists: value !== undefined,
      DoesNotExist: value === undefined,
    }[expression.operator];
    if (ok !== true) return false;
  }
  return true;
}

/** Whether a node's Ready condition is True. */
export function nodeReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** Whether a pod's Ready condition is True. */
export function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

function tolerated(pod: V1Pod, taint: V1Taint): boolean {
  return (pod.spec?.tolerations ?? []).some(
    (t) =>
      (t.operator === 'Exists' && (t.key === undefined || t.key === taint.key)) ||
      (t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );
}

/** Whether the scheduler may place the pod on the node: Ready, not cordoned, taints tolerated, nodeSelector met. */
export function schedulable(pod: V1Pod, node: V1Node): boolean {
  if (!nodeReady(node) || node.spec?.unschedulable === true) return false;
  const hard = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (!hard.every((t) => tolerated(pod, t))) return false;
  const labels = node.metadata?.labels ?? {};
  return Object.entries(pod.spec?.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
}

/** Whether a pod is live (not being deleted). */
export const live = (pod: V1Pod): boolean => pod.metadata?.deletionTimestamp === undefined;
