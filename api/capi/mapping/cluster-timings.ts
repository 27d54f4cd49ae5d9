import { DesiredCluster } from '../../desired-cluster.ts';
import { observeIntervalAnnotation, strayVmGraceAnnotation } from '../annotations.ts';
import { durationSeconds } from './duration.ts';
import type { IssueLog, ObjectKey } from './issues.ts';

/** How often the cluster workflow observes and how long a stray VM may stay, from the Cluster's annotations. */
export interface ClusterTimings {
  readonly observeIntervalSeconds?: number;
  readonly strayVmGraceSeconds?: number;
}

/** The timings the Cluster's annotations set; each absent (the default) when not annotated or bad (logged). */
export function clusterTimings(
  annotations: Readonly<Record<string, string>> | undefined,
  clusterKey: ObjectKey,
  log: IssueLog,
): ClusterTimings {
  const observe = secondsAt(annotations, observeIntervalAnnotation, {
    min: DesiredCluster.shape.observeIntervalSeconds.unwrap().minValue ?? 5,
    example: '30s or 2m',
    why: 'every observation reads Proxmox, Talos and the workload cluster',
    clusterKey,
    log,
  });
  const grace = secondsAt(annotations, strayVmGraceAnnotation, {
    min: DesiredCluster.shape.strayVmGraceSeconds.unwrap().minValue ?? 0,
    example: '10m or 1h',
    why: '',
    clusterKey,
    log,
  });
  return {
    ...(observe === undefined ? {} : { observeIntervalSeconds: observe }),
    ...(grace === undefined ? {} : { strayVmGraceSeconds: grace }),
  };
}

function secondsAt(
  annotations: Readonly<Record<string, string>> | undefined,
  annotation: string,
  rule: { min: number; example: string; why: string; clusterKey: ObjectKey; log: IssueLog },
): number | undefined {
  const text = annotations?.[annotation];
  if (text === undefined) return undefined;
  const path = `metadata.annotations[${annotation}]`;
  const seconds = durationSeconds(text);
  if (seconds === undefined) {
    rule.log.errors.push({ object: rule.clusterKey, path, message: `must be a duration like ${rule.example}, not ${text}` });
    return undefined;
  }
  if (seconds < rule.min) {
    rule.log.errors.push({
      object: rule.clusterKey,
      path,
      message: `must be at least ${rule.min}s, not ${text}${rule.why ? `: ${rule.why}` : ''}`,
    });
    return undefined;
  }
  return seconds;
}
