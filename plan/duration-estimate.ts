// How long an operation should take, for the dry run: each action's duration (measured on this
// cluster's past runs when there are some, else a stated default) combined with the stages the
// planner laid out (stages run one after another; a stage runs `parallel` machines at a time).
import type { MachineAction, MachineChange, PlanStage } from '../api/cluster-plan.ts';

/** What the dry run times: a machine action, or the etcd snapshot that opens an upgrade. */
export type TimedAction = MachineAction | 'snapshot-etcd';

/** One action's expected duration and where that figure comes from, in words for the output. */
export interface ActionEstimate {
  readonly seconds: number;
  readonly source: string;
}

export type ActionEstimates = Readonly<Record<TimedAction, ActionEstimate>>;

/**
 * Capstan's default estimates, used while a cluster has no past runs to measure. Rough figures for
 * Proxmox VE with local storage and a Talos image cached on the node: a new VM is cloned, boots,
 * installs Talos, joins and is Ready in about 4 minutes, and the old one is drained and deleted in
 * about 2; a Talos upgrade drains, pulls the installer, reboots and waits for Ready; a Kubernetes
 * upgrade applies a machine config without a reboot and waits for the kubelet.
 */
export const defaultActionSeconds: Readonly<Record<TimedAction, number>> = {
  replace: 360,
  'upgrade-talos': 300,
  'upgrade-kubernetes': 120,
  'snapshot-etcd': 30,
};

/** The share of a default replacement that is the old machine's drain and delete. */
const defaultDeleteSeconds = 120;

/** Durations in seconds of this cluster's completed machine child workflows. */
export interface PastRuns {
  readonly createMachine: readonly number[];
  readonly deleteMachine: readonly number[];
}

/** The median of some durations; undefined for none. */
export function median(values: readonly number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return undefined;
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const byDefault = (action: TimedAction): ActionEstimate => ({ seconds: defaultActionSeconds[action], source: 'default' });

/**
 * Each action's estimate: a replacement is the median create-machine run of this cluster plus its
 * median delete-machine run (the default share when none was deleted yet); in-place upgrades have
 * no run of their own to measure, so they keep the defaults.
 */
export function actionEstimates(past: PastRuns | undefined): ActionEstimates {
  const created = median(past?.createMachine ?? []);
  const deleted = median(past?.deleteMachine ?? []);
  const replace =
    created === undefined || past === undefined
      ? byDefault('replace')
      : {
          seconds: Math.round(created + (deleted ?? defaultDeleteSeconds)),
          source:
            deleted === undefined
              ? `median of ${plural(past.createMachine.length, 'past create-machine run')} of this cluster, plus the default delete`
              : `median of ${plural(past.createMachine.length, 'past create-machine run')} and ${plural(past.deleteMachine.length, 'delete-machine run')} of this cluster`,
        };
  return {
    replace,
    'upgrade-talos': byDefault('upgrade-talos'),
    'upgrade-kubernetes': byDefault('upgrade-kubernetes'),
    'snapshot-etcd': byDefault('snapshot-etcd'),
  };
}

/** An operation's expected duration, per stage and per machine (the time each machine is worked on). */
export interface DurationEstimate {
  readonly totalSeconds: number;
  readonly stages: readonly { readonly description: string; readonly seconds: number }[];
  readonly perMachine: Readonly<Record<string, number>>;
}

/** Adds the stages up: a stage of n machines, p at a time, takes ⌈n / p⌉ rounds of its action. */
export function estimateDuration(
  stages: readonly PlanStage[],
  changes: readonly MachineChange[],
  estimates: ActionEstimates,
): DurationEstimate {
  const timed = stages.map((stage) => {
    const rounds = stage.action === 'snapshot-etcd' ? 1 : Math.ceil(stage.machines.length / Math.max(1, stage.parallel));
    return { description: stage.description, seconds: rounds * estimates[stage.action].seconds };
  });
  const perMachine = Object.fromEntries(
    changes.map((c) => [c.name, c.actions.reduce((sum, action) => sum + estimates[action].seconds, 0)]),
  );
  return { totalSeconds: timed.reduce((sum, s) => sum + s.seconds, 0), stages: timed, perMachine };
}
