// What end-to-end suites check of an upgrade: every Machine at the versions, and the order in
// which a cluster's control planes reached each version, read from the Talos simulator's log.
import { expect } from 'vitest';
import type { StoredObject } from '../../embedded/controller-stack/capi-objects.ts';
import type { TalosSim } from '../../sim/talos/index.ts';

/** Every Machine runs Kubernetes `kubernetes` on Talos `talos`, as its spec and status say. */
export function expectVersions(machines: readonly StoredObject[], kubernetes: string, talos: string): void {
  for (const machine of machines) {
    expect(machine.spec?.['version'], machine.metadata.name).toBe(kubernetes);
    expect(machine.status, machine.metadata.name).toMatchObject({
      phase: 'Running',
      talosVersion: talos,
      nodeInfo: { kubeletVersion: kubernetes, osImage: `Talos (${talos})` },
    });
  }
}

/** The order in which the cluster's control planes first reached each Talos and Kubernetes version after a Talos event. */
export function versionMilestones(talos: TalosSim, cluster: string, afterTalosEvent: number): string[] {
  const milestones: string[] = [];
  const add = (milestone: string): void => {
    if (!milestones.includes(milestone)) milestones.push(milestone);
  };
  for (const event of talos.events.list()) {
    if (event.seq <= afterTalosEvent || event.cluster !== cluster || !event.hostname?.startsWith(`${cluster}-cp-`)) continue;
    const detail = event.detail ?? {};
    if (event.type === 'upgrade.finished' && typeof detail['to'] === 'string') add(`Talos ${detail['to']}`);
    if (event.type === 'node.configured' && typeof detail['kubernetesVersion'] === 'string' && detail['kubernetesVersion'] !== '')
      add(`Kubernetes ${detail['kubernetesVersion']}`);
  }
  return milestones;
}
