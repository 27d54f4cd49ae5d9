import { proxyActivities } from '@temporalio/workflow';
import { nonRetryableErrorTypes } from '../api/errors.ts';
import type { LifecycleActivities } from '../activities/lifecycle-activities.ts';
import { withSummaries } from './summarized-activities.ts';

const retry = { initialInterval: '2 seconds', backoffCoefficient: 2, nonRetryableErrorTypes: [...nonRetryableErrorTypes] };

/** Quick API calls (Proxmox, IPAM, Secrets, one Talos RPC): a few attempts, then the step blocks. */
export const calls = withSummaries(
  proxyActivities<LifecycleActivities>({
    startToCloseTimeout: '2 minutes',
    retry: { ...retry, maximumInterval: '30 seconds', maximumAttempts: 5 },
  }),
);

/** Long waits that heartbeat (clone, boot, node Ready, drain): a stuck worker is noticed within a minute. */
export const waits = withSummaries(
  proxyActivities<LifecycleActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '1 minute',
    retry: { ...retry, maximumInterval: '1 minute', maximumAttempts: 3 },
  }),
);

/** Calls that take minutes (a Talos upgrade pulls its installer first); they heartbeat while they wait. */
export const slowCalls = withSummaries(
  proxyActivities<LifecycleActivities>({
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '1 minute',
    retry: { ...retry, maximumInterval: '1 minute', maximumAttempts: 3 },
  }),
);
