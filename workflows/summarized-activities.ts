import type { ActivityInterfaceFor, ActivityOptions } from '@temporalio/workflow';
import type { LifecycleActivities } from '../activities/lifecycle-activities.ts';
import { activitySummary, onMachine, type ActivityName } from './activity-summaries.ts';

type Proxied = ActivityInterfaceFor<LifecycleActivities>;

/**
 * The same activities, each call carrying its one-line summary (activity-summaries.ts) as the
 * scheduled activity's user metadata, so the Web UI's timeline says what a step works on. Call
 * sites stay as they are: `calls.proxmoxStartVm(spec, vm)`.
 */
export function withSummaries(proxy: Proxied): Proxied {
  return summarizing(proxy, activitySummary);
}

/**
 * A profile whose summaries start with the machine's name, for calls that only know its address
 * (`forMachine(waits, machine.name).talosWaitForApid(...)`: "demo-cp-a9021: wait for the Talos API on …").
 */
export function forMachine(profile: Proxied, machine: string): Proxied {
  return summarizing(profile, (name, args) => onMachine(machine, activitySummary(name, args)));
}

function summarizing(
  proxy: Proxied,
  summarize: (name: ActivityName, args: Parameters<LifecycleActivities[ActivityName]>) => string,
): Proxied {
  return new Proxy(proxy, {
    get(target, property, receiver) {
      const activity: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !isActivity(activity)) return activity;
      const name = property as ActivityName;
      const summary = (args: unknown[]): string => summarize(name, args as Parameters<LifecycleActivities[ActivityName]>);
      const call = (...args: unknown[]) => activity.executeWithOptions({ summary: summary(args) }, args);
      // A call site's own options (e.g. a longer timeout) keep the summary unless they bring one.
      call.executeWithOptions = (options: ActivityOptions, args: unknown[]) =>
        activity.executeWithOptions({ summary: summary(args), ...options }, args);
      return call;
    },
  });
}

/** A function of an activity proxy: it takes per-call options through executeWithOptions. */
interface ProxiedActivity {
  executeWithOptions(options: ActivityOptions, args: unknown[]): Promise<unknown>;
}

function isActivity(value: unknown): value is ProxiedActivity {
  return typeof value === 'function' && 'executeWithOptions' in value;
}
