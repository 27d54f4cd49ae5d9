import { z } from 'zod';

/**
 * The Capstan part of a status: which operation the cluster workflow is running for this object,
 * its current step, and why it waits when it is blocked. CAPI has no such fields; they are what
 * the Temporal Web UI shows, brought to `kubectl get -o wide` and `capstan describe`.
 */
export const OperationStatus = z.object({
  /** `provision`, `upgrade`, `rollout-machine-deployment`, ... */
  name: z.string().min(1),
  /** The child workflow running it, for the Web UI. */
  workflowId: z.string().optional(),
  state: z.enum(['Running', 'Blocked', 'Succeeded', 'Failed']),
  step: z.string().optional(),
  startedAt: z.iso.datetime({ offset: true }).optional(),
  /** CamelCase, as condition reasons: why a blocked operation waits. */
  blockedReason: z.string().optional(),
  blockedMessage: z.string().optional(),
});
export type OperationStatus = z.infer<typeof OperationStatus>;
