// Run-time fault injection. Every fault is set and cleared per test; random ones draw from
// their own seeded PRNG so a seed makes a failing run repeatable.
import type { EventLogWriter } from './event-log.ts';
import type { Random } from '../../common/random.ts';
import type { TaskType } from './task-type.ts';

/** Options of {@link ProxmoxFaults.set5xxRate}. */
export interface FiveXxOptions {
  /** Only requests whose path (relative to /api2/json) starts with a string or matches a RegExp. */
  readonly paths?: readonly (string | RegExp)[];
  /** Run the request first, then answer 500: the change happened but the caller cannot know. */
  readonly lostResponse?: boolean;
}

/** Which tasks {@link ProxmoxFaults.failNextTask} fails. */
export interface TaskFailureSpec {
  readonly type?: TaskType;
  readonly vmid?: number;
  /** The task ends with `TASK ERROR: <message>`. */
  readonly message: string;
  /** How many matching tasks fail (default 1). */
  readonly count?: number;
}

/** Faults a test can switch on and off while the simulator runs. */
export interface ProxmoxFaults {
  /** Fails this share (0..1) of authenticated API requests with HTTP 500 and a plausible reason. */
  set5xxRate(rate: number, options?: FiveXxOptions): void;
  /** Adds this many real milliseconds (not scaled) before every API request is handled. */
  setLatency(ms: number): void;
  /** Makes a VM appear locked (`VM is locked (<lock>)`) for the next `requests` API requests on it, or until unlocked. */
  lockVm(vmid: number, lock: string, options?: { readonly requests?: number }): void;
  /** Removes an injected lock. */
  unlockVm(vmid: number): void;
  /** Makes every allocation on a storage fail as if it were full. */
  fillStorage(storage: string): void;
  /** Undoes {@link fillStorage}. */
  freeStorage(storage: string): void;
  /** The guest agent of one VM (or all) never answers: `QEMU guest agent is not running`. */
  agentNeverAnswers(target: number | 'all'): void;
  /** Undoes {@link agentNeverAnswers}. */
  agentAnswers(target: number | 'all'): void;
  /** The next matching task (by type and/or vmid; a clone matches its source and its new id) ends with `TASK ERROR: <message>`. */
  failNextTask(spec: TaskFailureSpec): void;
  /** Removes every fault. */
  clear(): void;
}

/** The simulator's side of the faults. */
export interface FaultState extends ProxmoxFaults {
  latencyMs(): number;
  /** Whether this request should fail, and how. */
  drawFailure(relPath: string): { reason: string; lostResponse: boolean } | undefined;
  lockOf(vmid: number): string | undefined;
  /** Counts one API request against a count-limited injected lock. */
  noteVmRequest(vmid: number): void;
  storageFull(storage: string): boolean;
  agentSilent(vmid: number): boolean;
  /** Consumes a matching task failure, if one is armed; `vmids` are the VMs the task touches. */
  takeTaskFailure(type: TaskType, vmids: readonly number[]): string | undefined;
}

const transientReasons = [
  'got timeout',
  'cluster not ready - no quorum?',
  "can't lock file '/var/lock/qemu-server/lock-{vmid}.conf' - got timeout",
];

/** Fault state, logging every change and every fired fault as `fault.injected`. */
export function createFaults(random: Random, events: EventLogWriter): FaultState {
  let rate = 0;
  let rateOptions: FiveXxOptions = {};
  let latency = 0;
  const locks = new Map<number, { lock: string; remaining?: number }>();
  const fullStorages = new Set<string>();
  const silentAgents = new Set<number | 'all'>();
  const taskFailures: { spec: TaskFailureSpec; remaining: number }[] = [];
  const log = (detail: Record<string, string | number | boolean>, vmid?: number): void => {
    events.append({ type: 'fault.injected', ...(vmid === undefined ? {} : { vmid }), detail });
  };
  const pathMatches = (relPath: string): boolean =>
    rateOptions.paths === undefined || rateOptions.paths.some((p) => (typeof p === 'string' ? relPath.startsWith(p) : p.test(relPath)));

  return {
    set5xxRate: (r, options = {}) => {
      rate = r;
      rateOptions = options;
      log({ fault: '5xx-rate', rate: r, lostResponse: options.lostResponse ?? false });
    },
    setLatency: (ms) => {
      latency = ms;
      log({ fault: 'latency', ms });
    },
    lockVm: (vmid, lock, options = {}) => {
      locks.set(vmid, { lock, ...(options.requests === undefined ? {} : { remaining: options.requests }) });
      log({ fault: 'lock', lock, requests: options.requests ?? -1 }, vmid);
    },
    unlockVm: (vmid) => {
      locks.delete(vmid);
      log({ fault: 'unlock' }, vmid);
    },
    fillStorage: (storage) => {
      fullStorages.add(storage);
      log({ fault: 'storage-full', storage });
    },
    freeStorage: (storage) => {
      fullStorages.delete(storage);
      log({ fault: 'storage-freed', storage });
    },
    agentNeverAnswers: (target) => {
      silentAgents.add(target);
      log({ fault: 'agent-silent', target: String(target) });
    },
    agentAnswers: (target) => {
      silentAgents.delete(target);
      log({ fault: 'agent-answers', target: String(target) });
    },
    failNextTask: (spec) => {
      taskFailures.push({ spec, remaining: spec.count ?? 1 });
      log({ fault: 'fail-task', type: spec.type ?? '*', vmid: spec.vmid ?? -1, message: spec.message });
    },
    clear: () => {
      rate = 0;
      rateOptions = {};
      latency = 0;
      locks.clear();
      fullStorages.clear();
      silentAgents.clear();
      taskFailures.length = 0;
      log({ fault: 'clear' });
    },
    latencyMs: () => latency,
    drawFailure: (relPath) => {
      if (rate <= 0 || !pathMatches(relPath) || random.next() >= rate) return undefined;
      const vmid = /\/qemu\/(\d+)/.exec(relPath)?.[1];
      const template = transientReasons[random.int(vmid === undefined ? 2 : 3)] ?? 'got timeout';
      const reason = template.replace('{vmid}', vmid ?? '');
      log({ fault: '5xx-fired', path: relPath, reason });
      return { reason, lostResponse: rateOptions.lostResponse ?? false };
    },
    lockOf: (vmid) => locks.get(vmid)?.lock,
    noteVmRequest: (vmid) => {
      const entry = locks.get(vmid);
      if (entry?.remaining === undefined) return;
      entry.remaining -= 1;
      if (entry.remaining <= 0) locks.delete(vmid);
    },
    storageFull: (storage) => fullStorages.has(storage),
    agentSilent: (vmid) => silentAgents.has('all') || silentAgents.has(vmid),
    takeTaskFailure: (type, vmids) => {
      const index = taskFailures.findIndex(
        ({ spec }) => (spec.type === undefined || spec.type === type) && (spec.vmid === undefined || vmids.includes(spec.vmid)),
      );
      const entry = taskFailures[index];
      if (entry === undefined) return undefined;
      entry.remaining -= 1;
      if (entry.remaining <= 0) taskFailures.splice(index, 1);
      log({ fault: 'fail-task-fired', type, message: entry.spec.message }, vmids[0]);
      return entry.spec.message;
    },
  };
}
