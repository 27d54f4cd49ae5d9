import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProxmoxSim, type ProxmoxSim } from '../sim/proxmox/index.ts';

const tokenId = 'capstan@pve!capstan';

/**
 * The simulated Proxmox VE of the embedded default: state and token kept under `dir` so a
 * restart finds its VMs and the worker's token still valid. Realism is set by environment:
 * CAPSTAN_SIM_SCALE (durations ×, default 0.2), CAPSTAN_SIM_5XX_RATE, CAPSTAN_SIM_LATENCY_MS.
 */
export async function startEmbeddedProxmox(dir: string, port: number): Promise<ProxmoxSim> {
  mkdirSync(dir, { recursive: true });
  const tokenFile = join(dir, 'token-secret');
  if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomUUID(), { mode: 0o600 });
  const sim = await startProxmoxSim({
    port,
    stateFile: join(dir, 'state.json'),
    eventLogFile: join(dir, 'events.jsonl'),
    tokens: [{ id: tokenId, secret: readFileSync(tokenFile, 'utf8').trim() }],
    scale: simScale(),
  });
  const rate = numberFromEnv('CAPSTAN_SIM_5XX_RATE', 0);
  if (rate > 0) sim.faults.set5xxRate(rate);
  const latency = numberFromEnv('CAPSTAN_SIM_LATENCY_MS', 0);
  if (latency > 0) sim.faults.setLatency(latency);
  return sim;
}

/** Durations of both simulators × this (CAPSTAN_SIM_SCALE, default 0.2; 1 = real timings). */
export function simScale(): number {
  return numberFromEnv('CAPSTAN_SIM_SCALE', 0.2);
}

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw} is not a non-negative number`);
  return value;
}
