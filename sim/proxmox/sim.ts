// startProxmoxSim: wires state, persistence, faults, hooks, the task engine and the HTTPS
// port into one simulated cluster.
import { X509Certificate } from 'node:crypto';
import { dirname } from 'node:path';
import { apiRoutes } from './api/routes.ts';
import type { SimContext } from './core/context.ts';
import { infoOf } from './core/context.ts';
import { createEventLog } from './core/event-log.ts';
import type { ProxmoxEventLog } from './core/event-log.ts';
import { createFaults } from './core/faults.ts';
import type { ProxmoxFaults } from './core/faults.ts';
import { initialState } from './core/initial-state.ts';
import { createLaggedStats } from './core/lagged-stats.ts';
import { createRandom } from '../common/random.ts';
import { loadStateFile, saveStateFile } from './core/state-file.ts';
import { createTimers } from '../common/timers.ts';
import { createVmHooks, VmHookEvent } from './core/vm-hooks.ts';
import type { VmHook } from './core/vm-hooks.ts';
import type { SimVmInfo } from './core/vm-info.ts';
import { handleRequest } from './http/handle-request.ts';
import { listenTlsOnly } from './http/tls-only-port.ts';
import { resolveOptions } from './options.ts';
import type { ProxmoxSimOptions } from './options.ts';
import { moveVm } from './tasks/migrate-op.ts';
import { resumeTasks } from './tasks/task-engine.ts';
import type { SimTiming } from './timing.ts';
import { pveTls } from './tls/pve-tls.ts';

/** A running simulated Proxmox VE cluster. */
export interface ProxmoxSim {
  /** Base URL, e.g. `https://127.0.0.1:40123/api2/json`; plain HTTP is only ever redirected here. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** PEM of the simulator's own CA, which signed the certificate it serves: what clients must trust. */
  readonly caPem: string;
  /** Where that CA is kept (next to the state file), for PROXMOX_CA_FILE; undefined when in memory. */
  readonly caFile: string | undefined;
  /** The first accepted token. */
  readonly token: { readonly id: string; readonly secret: string };
  /** `PVEAPIToken=<id>=<secret>`, ready for the Authorization header. */
  readonly authorization: string;
  /** Fault injection, settable at run time. */
  readonly faults: ProxmoxFaults;
  /** Every state change so far. */
  readonly events: ProxmoxEventLog;
  /** Registers a hook; with `replayRunning`, `vm-started` is also called for VMs already running. */
  on(event: VmHookEvent, hook: (vm: SimVmInfo) => void, options?: { readonly replayRunning?: boolean }): () => void;
  /** A snapshot of every VM (templates included). */
  vms(): SimVmInfo[];
  /** Moves a VM to another node at once (like an offline migration that already finished). */
  migrate(vmid: number, node: string): void;
  /** Changes durations from now on. */
  setTiming(timing: Partial<SimTiming>): void;
  /** Accepts another API token from now on (as creating one under Datacenter → API Tokens). */
  addToken(token: { readonly id: string; readonly secret: string }): void;
  /** Refuses a token from now on (as removing it): its requests get PVE's 401. */
  revokeToken(id: string): void;
  /** Stops serving, cancels timers and writes the state file. Running tasks resume on the next start. */
  stop(): Promise<void>;
}

/** Starts a simulated cluster on a loopback port. */
export async function startProxmoxSim(options: ProxmoxSimOptions = {}): Promise<ProxmoxSim> {
  const resolved = resolveOptions(options);
  const random = createRandom(resolved.seed);
  const loaded = resolved.stateFile === undefined ? undefined : loadStateFile(resolved.stateFile);
  const state = loaded ?? initialState(resolved, random);
  if (resolved.tokens !== undefined) state.tokens = resolved.tokens;
  const events = createEventLog(resolved.eventLogFile);
  const hooks = createVmHooks();
  for (const [event, hook] of Object.entries(resolved.hooks) as [VmHookEvent, VmHook][]) hooks.on(event, hook);
  const stats = createLaggedStats();
  const tls = await pveTls(resolved.stateFile === undefined ? undefined : dirname(resolved.stateFile), {
    nodeName: state.nodes[0]?.name ?? 'pve1',
    address: resolved.host,
  });
  let stopped = false;
  let saveQueued = false;
  const save = (): void => {
    if (resolved.stateFile !== undefined) saveStateFile(resolved.stateFile, state);
  };
  const ctx: SimContext = {
    state,
    random,
    events,
    hooks,
    faults: createFaults(createRandom(resolved.seed ^ 0x5bd1e995), events),
    timers: createTimers(),
    stats,
    timing: resolved.timing,
    scale: resolved.scale,
    sslFingerprint: new X509Certificate(tls.node.certPem).fingerprint256,
    changed: () => {
      stats.record(Date.now(), Object.values(state.vms));
      if (saveQueued || resolved.stateFile === undefined) return;
      saveQueued = true;
      setImmediate(() => {
        saveQueued = false;
        if (!stopped) save();
      });
    },
  };
  // Whatever existed before this start counts as long known to the stats.
  stats.record(0, Object.values(state.vms));
  if (loaded === undefined) save();
  else {
    const running = Object.values(state.vms).filter((vm) => vm.status === 'running');
    events.append({ type: 'sim.loaded', detail: { vms: Object.keys(state.vms).length, running: running.length } });
    for (const vm of running) hooks.emit('vm-started', infoOf(ctx, vm));
    resumeTasks(ctx);
  }

  const server = await listenTlsOnly({
    host: resolved.host,
    port: resolved.port,
    certPem: tls.node.certPem,
    keyPem: tls.node.keyPem,
    handler: (request, response) => {
      void handleRequest(ctx, apiRoutes, request, response);
    },
  });
  const port = server.port;
  const token = state.tokens[0] ?? { id: '', secret: '' };

  return {
    url: `https://${urlHost(resolved.host)}:${port}/api2/json`,
    host: resolved.host,
    port,
    caPem: tls.ca.certPem,
    caFile: tls.caFile,
    token,
    authorization: `PVEAPIToken=${token.id}=${token.secret}`,
    faults: ctx.faults,
    events,
    on: (event, hook, hookOptions) => {
      const off = hooks.on(event, hook);
      if (hookOptions?.replayRunning === true && event === VmHookEvent.started) {
        const running = Object.values(state.vms)
          .filter((vm) => vm.status === 'running')
          .map((vm) => infoOf(ctx, vm));
        queueMicrotask(() => {
          for (const info of running) hook(info);
        });
      }
      return off;
    },
    vms: () => Object.values(state.vms).map((vm) => infoOf(ctx, vm)),
    migrate: (vmid, node) => {
      const vm = state.vms[String(vmid)];
      if (vm === undefined) throw new Error(`proxmox sim: VM ${vmid} does not exist`);
      if (!state.nodes.some((n) => n.name === node)) throw new Error(`proxmox sim: no such node '${node}'`);
      if (vm.node !== node) moveVm(ctx, vmid, vm.node, node);
    },
    setTiming: (timing) => {
      ctx.timing = { ...ctx.timing, ...timing };
    },
    addToken: (added) => {
      if (state.tokens.some((t) => t.id === added.id)) throw new Error(`proxmox sim: token ${added.id} exists already`);
      state.tokens.push({ id: added.id, secret: added.secret });
      ctx.changed();
    },
    revokeToken: (id) => {
      state.tokens = state.tokens.filter((t) => t.id !== id);
      ctx.changed();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      ctx.timers.clear();
      await server.close();
      save();
    },
  };
}

// An IPv6 address needs brackets in a URL.
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
