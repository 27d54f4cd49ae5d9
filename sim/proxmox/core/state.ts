// The simulator's whole world, as persisted in the state file. zod schemas are the source of
// the types so a state file written by an older build is checked before it is trusted.
import { z } from 'zod';

/** A cluster node. */
export const nodeStateSchema = z.object({
  name: z.string(),
  memoryMiB: z.number(),
  cpus: z.number(),
  /** Epoch ms; uptime and process start times are derived from it. */
  bootedAt: z.number(),
});
/** A cluster node. */
export type NodeState = z.infer<typeof nodeStateSchema>;

/** A storage definition; non-shared storages exist once per node with this capacity each. */
export const storageStateSchema = z.object({
  name: z.string(),
  shared: z.boolean(),
  capacityGiB: z.number(),
  content: z.array(z.string()),
});
/** A storage definition. */
export type StorageState = z.infer<typeof storageStateSchema>;

/** An accepted API token. */
export const tokenStateSchema = z.object({ id: z.string(), secret: z.string() });

/** A VM: its config file (values as PVE stores them), pending changes and run state. */
export const vmStateSchema = z.object({
  vmid: z.number().int(),
  node: z.string(),
  config: z.record(z.string(), z.string()),
  pending: z.record(z.string(), z.string()),
  pendingDelete: z.array(z.string()),
  status: z.enum(['running', 'stopped']),
  /** Epoch ms of the last start; the guest agent answers `bootUntilAgent` later. */
  startedAt: z.number().optional(),
  pid: z.number().optional(),
});
/** A VM. */
export type VmState = z.infer<typeof vmStateSchema>;

/** What a worker task does; persisted so a restarted simulator can finish it. */
export const taskOpSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('clone'),
    vmid: z.number(),
    newid: z.number(),
    name: z.string().optional(),
    description: z.string().optional(),
    full: z.boolean(),
    target: z.string().optional(),
    storage: z.string().optional(),
    format: z.string().optional(),
    /** False when `newid` already existed on another node: the task must fail, not clean up. */
    placeholder: z.boolean(),
  }),
  z.object({
    kind: z.literal('config'),
    vmid: z.number(),
    set: z.record(z.string(), z.string()),
    delete: z.array(z.string()),
    force: z.boolean(),
    summary: z.string(),
  }),
  z.object({ kind: z.literal('resize'), vmid: z.number(), disk: z.string(), size: z.string(), digest: z.string().optional() }),
  z.object({ kind: z.enum(['start', 'stop', 'shutdown', 'reboot', 'resume']), vmid: z.number(), forceStop: z.boolean().optional() }),
  z.object({ kind: z.literal('destroy'), vmid: z.number(), purge: z.boolean() }),
  z.object({ kind: z.literal('migrate'), vmid: z.number(), target: z.string() }),
]);
/** What a worker task does. */
export type TaskOp = z.infer<typeof taskOpSchema>;

/** A worker task (UPID) and its log. */
export const taskStateSchema = z.object({
  upid: z.string(),
  node: z.string(),
  pid: z.number(),
  pstart: z.number(),
  starttime: z.number(),
  type: z.string(),
  id: z.string(),
  user: z.string(),
  status: z.enum(['running', 'stopped']),
  exitstatus: z.string().optional(),
  endtime: z.number().optional(),
  log: z.array(z.string()),
  /** Index of the next step to run. */
  step: z.number(),
  op: taskOpSchema,
  /** Warnings logged so far; a task that ends with warnings exits `WARNINGS: <n>`. */
  warnings: z.number().optional(),
  /** Set when a `failNextTask` fault matched this task. */
  injectedFailure: z.string().optional(),
});
/** A worker task. */
export type TaskState = z.infer<typeof taskStateSchema>;

/** Everything the simulator persists. */
export const simStateSchema = z.object({
  version: z.literal(1),
  tokens: z.array(tokenStateSchema),
  nodes: z.array(nodeStateSchema),
  storages: z.array(storageStateSchema),
  vms: z.record(z.string(), vmStateSchema),
  tasks: z.array(taskStateSchema),
  pidCounter: z.number(),
});
/** Everything the simulator persists. */
export type SimState = z.infer<typeof simStateSchema>;
