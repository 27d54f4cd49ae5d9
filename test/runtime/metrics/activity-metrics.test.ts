import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { beforeEach, describe, expect, it } from 'vitest';
import { activityMetrics } from '../../../runtime/metrics/activity-metrics.ts';
import { capstanRegistry } from '../../../runtime/metrics/metrics-registry.ts';
import { parsePrometheusText, type Scrape } from '../../harness/prometheus-text.ts';

const scrape = async (): Promise<Scrape> => parsePrometheusText(await capstanRegistry.metrics());
const count = (from: Scrape, labels: Record<string, string>): number =>
  from.find('capstan_activity_duration_seconds_count', labels).reduce((sum, s) => sum + s.value, 0);

// The mock environment logs every failed attempt at WARN; these fail on purpose.
const options = { interceptors: [activityMetrics], logger: new DefaultLogger('ERROR') };

beforeEach(() => {
  capstanRegistry.resetMetrics();
});

describe('activityMetrics', () => {
  it('times each attempt by activity type and outcome, and shows running attempts with the age of the oldest', async () => {
    const env = new MockActivityEnvironment({ activityType: 'kubernetesDrainNode' }, options);
    let release: () => void = () => undefined;
    const running = env.run(
      () =>
        new Promise<string>((resolve) => {
          release = () => {
            resolve('drained');
          };
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const during = await scrape();
    expect(during.find('capstan_activities_running')).toEqual([
      { name: 'capstan_activities_running', labels: { activity: 'kubernetesDrainNode' }, value: 1 },
    ]);
    expect(during.find('capstan_activity_oldest_running_seconds', { activity: 'kubernetesDrainNode' })[0]?.value).toBeGreaterThanOrEqual(
      0.015,
    );
    release();
    await expect(running).resolves.toBe('drained');

    const after = await scrape();
    expect(count(after, { activity: 'kubernetesDrainNode', outcome: 'succeeded' })).toBe(1);
    // Nothing runs: the running series are gone, not left at a stale value.
    expect(after.find('capstan_activities_running')).toEqual([]);
    expect(after.find('capstan_activity_oldest_running_seconds')).toEqual([]);
  });

  it('counts a failing attempt as failed and a cancelled one as cancelled, and passes the error on', async () => {
    const failing = new MockActivityEnvironment({ activityType: 'proxmoxEnsureVm' }, options);
    await expect(failing.run(() => Promise.reject(new Error('storage full')))).rejects.toThrow('storage full');

    const cancelled = new MockActivityEnvironment({ activityType: 'talosUpgradeNode' }, options);
    const run = cancelled.run(
      () =>
        new Promise<void>((_, reject) => {
          setTimeout(() => {
            reject(new Error('cancelled'));
          }, 10);
        }),
    );
    cancelled.cancel();
    await expect(run).rejects.toThrow();

    const after = await scrape();
    expect(count(after, { activity: 'proxmoxEnsureVm', outcome: 'failed' })).toBe(1);
    expect(count(after, { activity: 'talosUpgradeNode', outcome: 'cancelled' })).toBe(1);
  });
});
