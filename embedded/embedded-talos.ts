import { join } from 'node:path';
import type { ProxmoxSim } from '../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../sim/talos/index.ts';
import { createSimKubeStarter, simLightFromEnv } from './servers/sim-light-mode.ts';

/** The simulated Talos nodes of the embedded default, and the stop of everything they started. */
export interface EmbeddedTalos {
  readonly sim: TalosSim;
  stop(): Promise<void>;
}

/**
 * Talos nodes on the simulated Proxmox VMs: each simulated cluster gets a real kube-apiserver
 * (one shared etcd, a prefix per cluster), or with CAPSTAN_SIM_LIGHT=1 all share one (a few MiB
 * per cluster, for fleets), with state under `dir` so a restart brings the nodes and clusters back. CAPSTAN_SIM_SCALE sets the boot/upgrade durations like the Proxmox sim's;
 * CAPSTAN_SIM_LOAD_BALANCERS (`host:port,…` in 127.0.0.0/8) names endpoints where the simulator
 * plays a user's own load balancer (clusters annotated `capstan.dev/control-plane-endpoint:
 * external-load-balancer`); every other endpoint answers only at a control plane's Talos VIP.
 */
export async function startEmbeddedTalos(dir: string, proxmox: ProxmoxSim, logDir: string, scale: number): Promise<EmbeddedTalos> {
  const light = simLightFromEnv();
  const kube = createSimKubeStarter(light, { dataDir: join(dir, 'kube'), persistent: true, logDir });
  try {
    const sim = await startTalosSim({
      proxmox,
      startKubeApiserver: kube.start,
      dataDir: dir,
      stateFile: join(dir, 'state.json'),
      eventLogFile: join(dir, 'events.jsonl'),
      scale,
      externalLoadBalancers: loadBalancersFromEnv(),
      sharedKubernetes: light,
    });
    return {
      sim,
      stop: async () => {
        await sim.stop();
        await kube.stop();
      },
    };
  } catch (error) {
    await kube.stop();
    throw error;
  }
}

function loadBalancersFromEnv(): string[] {
  const text = process.env['CAPSTAN_SIM_LOAD_BALANCERS'] ?? '';
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const bad = entries.filter((entry) => !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}$/.test(entry));
  if (bad.length > 0) throw new Error(`CAPSTAN_SIM_LOAD_BALANCERS: ${bad.join(', ')} is not host:port with a host in 127.0.0.0/8`);
  return entries;
}
