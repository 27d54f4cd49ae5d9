/** Task queues Capstan's workers poll; the controller and CLI start workflows on them. */
export const TaskQueue = {
  /** Cluster, operation and machine workflows with their activities. */
  lifecycle: 'capstan-lifecycle',
} as const;

export type TaskQueue = (typeof TaskQueue)[keyof typeof TaskQueue];
