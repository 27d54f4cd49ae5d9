import type { ActivityInterfaceFor, ActivityOptions } from '@temporalio/workflow';
import type { LifecycleActivities } from '../activities/lifecycle-activities.ts';
import { activitySummary, type ActivityName } from './activity-summaries.ts';

type Proxied = ActivityInterfaceFor<LifecycleActivities>;

/**
 * The same activities, each call carrying its one-line summary (activity-summaries.ts) as the
 * scheduled activity's user metadata, so the Web UI's timeline says which machine a step works
 * on. Call sites stay as they are: `calls.proxmoxStartVm(spec, vm)`.
 */
export function withSummaries(proxy: Proxied): Proxied {
  return new Proxy(proxy, {
    get(target, property, receiver) {
      const activity: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !isActivity(activity)) return activity;
      const name = property as ActivityName;
      const summary = (args: unknown[]): string => activitySummary(name, args as Parameters<LifecycleActivities[ActivityName]>);
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
