// Capstan's worker and controller as an operator runs them: separate processes started from their
// entry points (workers/main.ts, client/controller/main.ts), configured only by environment and a
// kubeconfig file, ready when their /readyz says so. Every process inherits the test run's
// CAPSTAN_TEST_RUN marker with the environment, so tools/test.ts finds any that outlive a test.
import { fileURLToPath } from 'node:url';
import { freePort } from '../../embedded/servers/free-port.ts';
import { startProcess, waitUntilReady, type ManagedProcess } from '../../embedded/servers/managed-process.ts';

/** Which entry point a process runs. */
export type CapstanRole = 'worker' | 'controller';

const entryPoints: Record<CapstanRole, string> = {
  worker: fileURLToPath(new URL('../../workers/main.ts', import.meta.url)),
  controller: fileURLToPath(new URL('../../client/controller/main.ts', import.meta.url)),
};

export interface CapstanProcessOptions {
  /** What logs and errors call it, e.g. `worker 1`; a controller also takes it as its Lease identity. */
  readonly name: string;
  /** KUBECONFIG of the management cluster: an admin's, or a ServiceAccount's (service-account-kubeconfig.ts). */
  readonly kubeconfigPath: string;
  readonly temporal: { readonly address: string; readonly namespace: string };
  /** More environment: PROXMOX_* for a worker, CAPSTAN_CONTROLLER_NAMESPACE for a controller, TEMPORAL_TLS_*, ... */
  readonly env?: NodeJS.ProcessEnv;
  /** Grace between SIGTERM and SIGKILL in stop() (default 10 s). */
  readonly stopGraceMs?: number;
}

/** A running worker or controller process. */
export interface CapstanProcess {
  readonly role: CapstanRole;
  readonly name: string;
  readonly pid: number;
  /** `http://127.0.0.1:<port>`: /livez and /readyz. */
  readonly healthUrl: string;
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;
  /** Whether /readyz answers 200 now. */
  isReady(): Promise<boolean>;
  /** Waits for /readyz 200; fails with the process's last output if it exits first. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** The last lines it printed. */
  logTail(): string;
  /** SIGTERM (a graceful shutdown: a controller releases its Lease), SIGKILL after the grace period. */
  stop(): Promise<void>;
  /** SIGKILL, as a node failure or an OOM kill ends it: nothing is released. */
  kill(): Promise<void>;
}

/** Starts a worker process; call `waitReady()` before relying on it. */
export function startWorkerProcess(options: CapstanProcessOptions): Promise<CapstanProcess> {
  return startCapstanProcess('worker', options);
}

/** Starts a controller process (its Lease identity is `options.name`); call `waitReady()` before relying on it. */
export function startControllerProcess(options: CapstanProcessOptions): Promise<CapstanProcess> {
  return startCapstanProcess('controller', { ...options, env: { CAPSTAN_CONTROLLER_IDENTITY: options.name, ...options.env } });
}

async function startCapstanProcess(role: CapstanRole, options: CapstanProcessOptions): Promise<CapstanProcess> {
  const port = await freePort();
  const healthUrl = `http://127.0.0.1:${port}`;
  // node --import tsx, not the tsx CLI: one process, so a signal reaches the entry point itself
  // (the CLI relays SIGTERM and then SIGKILLs a child that is still busy).
  const child: ManagedProcess = startProcess({
    name: options.name,
    command: process.execPath,
    args: ['--import', 'tsx', entryPoints[role]],
    env: {
      KUBECONFIG: options.kubeconfigPath,
      TEMPORAL_ADDRESS: options.temporal.address,
      TEMPORAL_NAMESPACE: options.temporal.namespace,
      CAPSTAN_HEALTH_ADDRESS: `127.0.0.1:${port}`,
      ...options.env,
    },
    stopGraceMs: options.stopGraceMs ?? 10_000,
  });
  const isReady = async (): Promise<boolean> => {
    try {
      const response = await fetch(`${healthUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false;
    }
  };
  return {
    role,
    name: options.name,
    pid: child.pid,
    healthUrl,
    exited: child.exited,
    isReady,
    waitReady: (timeoutMs = 120_000) => waitUntilReady(child, `${healthUrl}/readyz`, isReady, timeoutMs),
    logTail: () => child.logTail(),
    stop: () => child.stop(),
    async kill() {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await child.stop(); // reaps it and anything left in its group
    },
  };
}
