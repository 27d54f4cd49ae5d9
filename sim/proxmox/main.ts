// Runs the Proxmox simulator on its own: `npx tsx sim/proxmox/main.ts --port 8006`.
// Every flag also reads from an environment variable, so `npm start` can reuse it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startProxmoxSim } from './index.ts';
import type { ProxmoxSimOptions } from './index.ts';

const usage = `Usage: tsx sim/proxmox/main.ts [options]
  --host <addr>          loopback address            (PROXMOX_SIM_HOST, default 127.0.0.1)
  --port <n>             port, 0 = any free one      (PROXMOX_SIM_PORT, default 8006)
  --state <file>         persist the cluster here    (PROXMOX_SIM_STATE); its CA is kept beside it
  --events <file>        append events (JSONL) here  (PROXMOX_SIM_EVENTS)
  --scale <x>            multiply every duration     (PROXMOX_SIM_SCALE, default 1)
  --seed <n>             repeatable MACs, ids, faults (PROXMOX_SIM_SEED)
  --token-secret <uuid>  secret of capstan@pve!capstan (PROXMOX_SIM_TOKEN_SECRET, default random)
  --5xx-rate <0..1>      share of requests failing with 500 (PROXMOX_SIM_5XX_RATE)
  --latency <ms>         extra latency per request   (PROXMOX_SIM_LATENCY_MS)`;

function number(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name}: '${raw}' is not a number`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      state: { type: 'string' },
      events: { type: 'string' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      'token-secret': { type: 'string' },
      '5xx-rate': { type: 'string' },
      latency: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    console.log(usage);
    return;
  }
  const env = process.env;
  const secret = values['token-secret'] ?? env['PROXMOX_SIM_TOKEN_SECRET'];
  const seed = number('seed', values.seed ?? env['PROXMOX_SIM_SEED']);
  const scale = number('scale', values.scale ?? env['PROXMOX_SIM_SCALE']);
  const stateFile = values.state ?? env['PROXMOX_SIM_STATE'];
  const eventLogFile = values.events ?? env['PROXMOX_SIM_EVENTS'];
  const options: ProxmoxSimOptions = {
    host: values.host ?? env['PROXMOX_SIM_HOST'] ?? '127.0.0.1',
    port: number('port', values.port ?? env['PROXMOX_SIM_PORT']) ?? 8006,
    ...(stateFile === undefined ? {} : { stateFile }),
    ...(eventLogFile === undefined ? {} : { eventLogFile }),
    ...(scale === undefined ? {} : { scale }),
    ...(seed === undefined ? {} : { seed }),
    ...(secret === undefined ? {} : { tokens: [{ id: 'capstan@pve!capstan', secret }] }),
  };
  const sim = await startProxmoxSim(options);
  const rate = number('5xx-rate', values['5xx-rate'] ?? env['PROXMOX_SIM_5XX_RATE']);
  if (rate !== undefined && rate > 0) sim.faults.set5xxRate(rate);
  const latency = number('latency', values.latency ?? env['PROXMOX_SIM_LATENCY_MS']);
  if (latency !== undefined && latency > 0) sim.faults.setLatency(latency);

  // Without a state folder the CA lives in memory; a worker process still needs it as a file.
  const caFile = sim.caFile ?? writeTemporaryCa(sim.caPem);
  console.log(`Simulated Proxmox VE (${sim.vms().length} VMs) at ${sim.url}
  CA            ${caFile}
  token id      ${sim.token.id}
  token secret  ${sim.token.secret}
  worker env    PROXMOX_URL=${sim.url} PROXMOX_TOKEN_ID='${sim.token.id}' PROXMOX_TOKEN_SECRET=${sim.token.secret} PROXMOX_CA_FILE=${caFile}
  try           curl -s --cacert ${caFile} -H 'Authorization: ${sim.authorization}' ${sim.url}/cluster/resources`);

  const shutdown = (signal: string): void => {
    console.log(`${signal}: stopping`);
    sim.stop().then(
      () => {
        if (sim.caFile === undefined) rmSync(dirname(caFile), { recursive: true, force: true });
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => {
    shutdown('SIGINT');
  });
  process.once('SIGTERM', () => {
    shutdown('SIGTERM');
  });
}

function writeTemporaryCa(pem: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'capstan-proxmox-sim-')), 'pve-root-ca.pem');
  writeFileSync(file, pem);
  return file;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
