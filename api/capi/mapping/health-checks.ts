import { HealthCheck, type HealthCheckInput, type LabelSelector } from '../../health-check.ts';
import { clusterNameLabel } from '../annotations.ts';
import { unhealthyRangePattern, type MachineHealthCheck } from '../machine-health-check.ts';
import { Kinds, findObject, rawObjectsIn, type ClusterObjects } from './cluster-objects.ts';
import { durationSeconds } from './duration.ts';
import { joinPath, parseAt, type IssueLog, type ObjectKey } from './issues.ts';

/** CAPI's smallest nodeStartupTimeout other than 0 (which turns the check off). */
const minNodeStartupSeconds = 30;
const operators: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * The MachineHealthChecks whose `spec.clusterName` is this cluster, by name, as the workflow's
 * health checks. Each field is checked the way CAPI's webhook checks it (the CRD's rules repeat
 * what the API server can), so manifests mapped without an API server fail the same way.
 */
export function healthChecksOf(namespace: string, clusterName: string, objects: ClusterObjects, log: IssueLog): HealthCheck[] {
  const names = rawObjectsIn(objects, Kinds.MachineHealthCheck, namespace)
    .filter((raw) => (raw as { spec?: { clusterName?: unknown } }).spec?.clusterName === clusterName)
    .map((raw) => (raw as { metadata?: { name?: unknown } }).metadata?.name)
    .filter((n): n is string => typeof n === 'string')
    .sort();
  const checks: HealthCheck[] = [];
  for (const name of names) {
    const key: ObjectKey = { kind: 'MachineHealthCheck', namespace, name };
    const mhc = findObject(objects, Kinds.MachineHealthCheck, namespace, name, log);
    const check = mhc ? mapHealthCheck(mhc, key, log) : undefined;
    if (check) checks.push(check);
  }
  return checks;
}

function mapHealthCheck(mhc: MachineHealthCheck, key: ObjectKey, log: IssueLog): HealthCheck | undefined {
  const errorsBefore = log.errors.length;
  const { spec } = mhc;
  if (spec.remediationTemplate !== undefined) {
    // Replacing machines someone meant to remediate otherwise (a reboot, a power cycle) would destroy what they wanted kept.
    log.errors.push({
      object: key,
      path: 'spec.remediationTemplate',
      message:
        'external remediation is not supported: Capstan remediates by itself (workers by replacement, control-plane machines one at a time while etcd keeps quorum); remove remediationTemplate',
    });
  }
  const selector = selectorOf(spec, key, log);
  const unhealthyConditions = (spec.unhealthyConditions ?? []).flatMap((condition, i) => {
    const path = joinPath('spec.unhealthyConditions', i);
    const { status } = condition;
    const timeoutSeconds = durationAt(condition.timeout, key, `${path}.timeout`, log);
    if (!isConditionStatus(status)) {
      log.errors.push({ object: key, path: `${path}.status`, message: `must be True, False or Unknown, not ${status}` });
      return [];
    }
    return timeoutSeconds === undefined ? [] : [{ type: condition.type, status, timeoutSeconds }];
  });
  const maxUnhealthy = maxUnhealthyOf(spec.maxUnhealthy, key, log);
  const unhealthyRange = spec.unhealthyRange === undefined ? undefined : rangeOf(spec.unhealthyRange, key, log);
  const nodeStartupTimeoutSeconds = durationAt(spec.nodeStartupTimeout, key, 'spec.nodeStartupTimeout', log);
  if (nodeStartupTimeoutSeconds !== undefined && nodeStartupTimeoutSeconds > 0 && nodeStartupTimeoutSeconds < minNodeStartupSeconds) {
    log.errors.push({
      object: key,
      path: 'spec.nodeStartupTimeout',
      message: `must be 0 (no startup check) or at least ${minNodeStartupSeconds}s, not ${spec.nodeStartupTimeout}: a Talos VM needs longer than that to boot and join`,
    });
  }
  if (log.errors.length > errorsBefore) return undefined;
  const input: HealthCheckInput = {
    name: key.name,
    selector,
    unhealthyConditions,
    ...(maxUnhealthy === undefined ? {} : { maxUnhealthy }),
    ...(unhealthyRange ? { unhealthyRange } : {}),
    ...(nodeStartupTimeoutSeconds === undefined ? {} : { nodeStartupTimeoutSeconds }),
  };
  return parseAt(HealthCheck, input, key, 'spec', log);
}

/** The selector as written; refused when it is empty, names another cluster, or uses an operator Kubernetes does not have. */
function selectorOf(spec: MachineHealthCheck['spec'], key: ObjectKey, log: IssueLog): LabelSelector {
  const matchLabels = spec.selector.matchLabels ?? {};
  const matchExpressions = spec.selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
    log.errors.push({
      object: key,
      path: 'spec.selector',
      message: `must not be empty: select the Machines to watch, e.g. matchLabels {${clusterNameLabel}: ${spec.clusterName}}`,
    });
  }
  const labelled = matchLabels[clusterNameLabel];
  if (labelled !== undefined && labelled !== spec.clusterName) {
    log.errors.push({
      object: key,
      path: `spec.selector.matchLabels[${clusterNameLabel}]`,
      message: `must be ${spec.clusterName}, as spec.clusterName: a MachineHealthCheck watches one cluster's Machines`,
    });
  }
  const expressions = matchExpressions.map((expression, i) => {
    const path = joinPath('spec.selector.matchExpressions', i);
    const values = expression.values ?? [];
    if (!operators.has(expression.operator)) {
      log.errors.push({
        object: key,
        path: `${path}.operator`,
        message: `must be In, NotIn, Exists or DoesNotExist, not ${expression.operator}`,
      });
    } else if ((expression.operator === 'In' || expression.operator === 'NotIn') === (values.length === 0)) {
      const needs = values.length === 0 ? 'must not be empty' : 'must be empty';
      log.errors.push({ object: key, path: `${path}.values`, message: `${needs} for operator ${expression.operator}` });
    }
    return { key: expression.key, operator: expression.operator as LabelSelector['matchExpressions'][number]['operator'], values };
  });
  return { matchLabels, matchExpressions: expressions };
}

const isConditionStatus = (status: string): status is 'True' | 'False' | 'Unknown' =>
  status === 'True' || status === 'False' || status === 'Unknown';

/** Seconds of a duration field; logs one that is none. */
function durationAt(text: string, key: ObjectKey, path: string, log: IssueLog): number | undefined {
  const seconds = durationSeconds(text);
  if (seconds === undefined) log.errors.push({ object: key, path, message: `must be a duration like 90s or 10m, not ${text}` });
  return seconds;
}

/** maxUnhealthy as a count or `N%` (a count written as a string, `"2"`, is refused, as CAPI refuses it). */
function maxUnhealthyOf(value: number | string, key: ObjectKey, log: IssueLog): number | string | undefined {
  if ((typeof value === 'number' && value >= 0) || (typeof value === 'string' && /^\d+%$/.test(value))) return value;
  log.errors.push({
    object: key,
    path: 'spec.maxUnhealthy',
    message: `must be a count (0 or more) or a percentage like 40%, not ${value}`,
  });
  return undefined;
}

/** `[a-b]` → {min: a, max: b}, with a ≤ b. */
function rangeOf(text: string, key: ObjectKey, log: IssueLog): { min: number; max: number } | undefined {
  const path = 'spec.unhealthyRange';
  if (!unhealthyRangePattern.test(text)) {
    log.errors.push({ object: key, path, message: `must be [min-max], e.g. [1-3], not ${text}` });
    return undefined;
  }
  const [min = 0, max = 0] = text.slice(1, -1).split('-').map(Number);
  if (min > max) {
    log.errors.push({ object: key, path, message: `must be [min-max] with min not above max, not ${text}` });
    return undefined;
  }
  return { min, max };
}
