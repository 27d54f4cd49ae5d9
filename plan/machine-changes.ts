// The dry run's view of what an operation does to each machine and in which stages, following
// what the upgrade and rollout workflows do hop by hop (workflows/upgrade-workflow.ts).
import type { DesiredCluster, DesiredMachineDeployment } from '../api/desired-cluster.ts';
import type { ObservedMachine } from '../api/observed-cluster.ts';
import { resolveFenceposts } from './rollout.ts';
import type { MachineAction, MachineChange, PlanStage, UpgradeHop } from '../api/cluster-plan.ts';

/** The per-machine changes and the stages of an operation, for the dry run. */
export interface MachinePreview {
  readonly machineChanges: MachineChange[];
  readonly stages: PlanStage[];
}

interface Slot {
  readonly machine: ObservedMachine;
  kubernetes: string;
  talos: string;
  actions: MachineAction[];
}

/** How many machines of a RollingUpdate group are in flight at once: maxSurge + maxUnavailable, at least 1. */
export function rollingParallelism(md: Pick<DesiredMachineDeployment, 'replicas' | 'strategy'>): number {
  if (md.strategy.type !== 'RollingUpdate') return 1;
  const fenceposts = resolveFenceposts(md.strategy.maxSurge, md.strategy.maxUnavailable, md.replicas);
  return fenceposts.ok ? Math.max(1, fenceposts.maxSurge + fenceposts.maxUnavailable) : 1;
}

function tracker(machines: readonly ObservedMachine[]) {
  const slots: Slot[] = machines
    .filter((m) => m.phase !== 'Deleting')
    .map((machine) => ({ machine, kubernetes: machine.kubernetesVersion, talos: machine.talosVersion, actions: [] }));
  const stages: PlanStage[] = [];
  const act = (
    description: string,
    action: MachineAction,
    pick: (s: Slot) => boolean,
    to: { kubernetes?: string; talos?: string },
    parallel = 1,
  ): void => {
    const chosen = slots.filter(pick).filter((s) => (to.kubernetes ?? s.kubernetes) !== s.kubernetes || (to.talos ?? s.talos) !== s.talos);
    if (chosen.length === 0) return;
    for (const s of chosen) {
      s.actions.push(action);
      s.kubernetes = to.kubernetes ?? s.kubernetes;
      s.talos = to.talos ?? s.talos;
    }
    stages.push({ description, action, machines: chosen.map((s) => s.machine.name), parallel });
  };
  const preview = (): MachinePreview => ({
    stages,
    machineChanges: slots
      .filter((s) => s.actions.length > 0)
      .map((s) => ({
        name: s.machine.name,
        role: s.machine.role,
        ...(s.machine.deployment === undefined ? {} : { deployment: s.machine.deployment }),
        replaced: s.actions.includes('replace'),
        from: { kubernetes: s.machine.kubernetesVersion, talos: s.machine.talosVersion },
        to: { kubernetes: s.kubernetes, talos: s.talos },
        actions: s.actions,
      })),
  });
  return { act, stages, preview };
}

const isControlPlane = (s: Slot): boolean => s.machine.role === 'control-plane';
const inGroup =
  (name: string) =>
  (s: Slot): boolean =>
    s.machine.role === 'worker' && s.machine.deployment === name;

/**
 * What a chained upgrade does to each machine: control planes one at a time (in place, or replaced
 * under RollingUpdate), InPlace workers one at a time in the Talos and workers hops, RollingUpdate
 * workers replaced in their workers hops, maxSurge + maxUnavailable at a time.
 */
export function previewUpgrade(desired: DesiredCluster, machines: readonly ObservedMachine[], hops: readonly UpgradeHop[]): MachinePreview {
  const { act, stages, preview } = tracker(machines);
  const cpInPlace = desired.controlPlane.strategy.type === 'InPlace';
  for (const hop of hops) {
    if (hop.kind === 'snapshot-etcd') {
      stages.push({ description: hop.description, action: 'snapshot-etcd', machines: [], parallel: 1 });
    } else if (hop.kind === 'talos') {
      act(`${hop.description}: control plane`, cpInPlace ? 'upgrade-talos' : 'replace', isControlPlane, { talos: hop.to });
      for (const md of desired.machineDeployments.filter((d) => d.strategy.type === 'InPlace'))
        act(`${hop.description}: ${md.name}`, 'upgrade-talos', inGroup(md.name), { talos: hop.to });
    } else if (hop.kind === 'control-plane') {
      act(hop.description, cpInPlace ? 'upgrade-kubernetes' : 'replace', isControlPlane, { kubernetes: hop.to });
    } else {
      for (const move of hop.deployments) {
        const md = desired.machineDeployments.find((d) => d.name === move.name);
        if (!md) continue;
        const description = `upgrade workers ${move.name}`;
        if (md.strategy.type === 'InPlace') act(description, 'upgrade-kubernetes', inGroup(md.name), { kubernetes: move.to });
        else
          act(
            description,
            'replace',
            inGroup(md.name),
            { kubernetes: move.to, ...(move.talos ? { talos: move.talos.to } : {}) },
            rollingParallelism(md),
          );
      }
    }
  }
  return preview();
}

/** A rollout: each of `outdated` replaced by a machine of the desired versions, `parallel` at a time. */
export function previewReplacement(
  description: string,
  outdated: readonly ObservedMachine[],
  to: { readonly kubernetes: string; readonly talos: string },
  parallel: number,
): MachinePreview {
  const machineChanges = outdated.map((m): MachineChange => ({
    name: m.name,
    role: m.role,
    ...(m.deployment === undefined ? {} : { deployment: m.deployment }),
    replaced: true,
    from: { kubernetes: m.kubernetesVersion, talos: m.talosVersion },
    to,
    actions: ['replace'],
  }));
  const stages: PlanStage[] =
    outdated.length === 0 ? [] : [{ description, action: 'replace', machines: outdated.map((m) => m.name), parallel }];
  return { machineChanges, stages };
}
