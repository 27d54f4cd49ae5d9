// Helpers shared by the Proxmox simulator tests: a real client (npm `proxmox-api`), a raw
// HTTPS client for what fetch cannot send (bodies on GET), and task polling. Every one of them
// trusts the simulator's own CA, as a user's client trusts /etc/pve/pve-root-ca.pem.
import { request } from 'node:https';
import { Agent, fetch as undiciFetch } from 'undici';
import { eventually as eventuallyEvery } from '../../embedded/servers/eventually.ts';
import { delay as sleep } from '../../embedded/servers/managed-process.ts';
import proxmoxApi from 'proxmox-api';
import type { Proxmox, ProxmoxEngineOptions } from 'proxmox-api';
import { startProxmoxSim } from '../../sim/proxmox/index.ts';
import type { ProxmoxSim, ProxmoxSimOptions } from '../../sim/proxmox/index.ts';

/** A simulator on a free loopback port, fast enough for tests (durations × 0.002). */
export function startTestSim(options: ProxmoxSimOptions = {}): Promise<ProxmoxSim> {
  return startProxmoxSim({ scale: 0.002, seed: 42, ...options });
}

const dispatchers = new WeakMap<ProxmoxSim, Agent>();

/** fetch that trusts the simulator's CA (and nothing else), as a client given PROXMOX_CA_FILE does. */
export function simFetch(sim: ProxmoxSim): typeof undiciFetch {
  let dispatcher = dispatchers.get(sim);
  if (dispatcher === undefined) {
    dispatcher = new Agent({ connect: { ca: sim.caPem } });
    dispatchers.set(sim, dispatcher);
  }
  const agent = dispatcher;
  return (input, init) => undiciFetch(input, { ...init, dispatcher: agent });
}

/** The npm `proxmox-api` client pointed at a simulator over HTTPS, trusting its CA. */
export function pveClient(sim: ProxmoxSim): Proxmox.Api {
  const options: ProxmoxEngineOptions = {
    host: sim.host,
    port: sim.port,
    schema: 'https',
    tokenID: sim.token.id,
    tokenSecret: sim.token.secret,
    // proxmox-api bundles its own undici: the same fetch, typed by another copy of its types.
    fetch: simFetch(sim) as unknown as ProxmoxEngineOptions['fetch'],
  };
  return proxmoxApi(options);
}

/** A task's final status and log, as a client polling it sees them. */
export interface FinishedTask {
  readonly status: { status: string; exitstatus?: string; type: string; user: string; tokenid?: string; node: string };
  readonly log: string[];
}

/** Polls a task's status on its node until it has stopped, then reads its log. */
export async function waitForTask(api: Proxmox.Api, node: string, upid: string, timeoutMs = 5000): Promise<FinishedTask> {
  const deadline = Date.now() + timeoutMs;
  const task = api.nodes.$(node).tasks.$(upid);
  for (;;) {
    const status = (await task.status.$get()) as FinishedTask['status'];
    if (status.status === 'stopped') {
      const lines = await task.log.$get({ limit: 1000 });
      return { status, log: lines.map((line) => line.t) };
    }
    if (Date.now() > deadline) throw new Error(`task ${upid} still running after ${timeoutMs} ms`);
    await sleep(2);
  }
}

/** Retries `check` until it stops throwing; the simulator is fast, so look often and not for long. */
export const eventually = <T>(check: () => Promise<T> | T, timeoutMs = 3000): Promise<T> => eventuallyEvery(check, timeoutMs, 3);

/** A raw HTTP answer: status, reason phrase, headers and body text. */
export interface RawResponse {
  readonly status: number;
  readonly reason: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** The body parsed as JSON (undefined when empty). */
  readonly json: unknown;
}

/** Sends any request, including a body on GET, and returns the raw answer. */
export function rawRequest(
  sim: ProxmoxSim,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; auth?: string | null } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const auth = options.auth === undefined ? sim.authorization : options.auth;
  if (auth !== null) headers['Authorization'] = auth;
  if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = request({ host: sim.host, port: sim.port, ca: sim.caPem, method, path: `/api2/json${path}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          reason: res.statusMessage ?? '',
          headers: res.headers,
          body,
          json: body === '' ? undefined : (JSON.parse(body) as unknown),
        });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** POSTs a form body (like proxmox-api and pvesh do). */
export function postForm(sim: ProxmoxSim, path: string, fields: Record<string, string | number>, method = 'POST'): Promise<RawResponse> {
  const body = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return rawRequest(sim, method, path, { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
}

/** The `data` member of a JSON answer. */
export function dataOf(response: RawResponse): unknown {
  return (response.json as { data: unknown }).data;
}

/** Clones the default template and waits for the clone; returns the new vmid. */
export async function cloneTemplate(
  api: Proxmox.Api,
  options: { newid: number; name: string; node?: string; full?: boolean; target?: string; storage?: string; template?: number },
): Promise<FinishedTask> {
  const node = options.node ?? 'pve1';
  const upid = await api.nodes
    .$(node)
    .qemu.$(options.template ?? 9000)
    .clone.$post({
      newid: options.newid,
      name: options.name,
      full: options.full ?? true,
      ...(options.target === undefined ? {} : { target: options.target }),
      ...(options.storage === undefined ? {} : { storage: options.storage }),
    });
  return waitForTask(api, node, upid);
}
