import { join } from 'node:path';
import type { ProxmoxSim } from '../sim/proxmox/index.ts';
import { startTalosSim, type TalosSim } from '../sim/talos/index.ts';
import { createSimKubeApiservers } from './servers/sim-kube-apiservers.ts';

/** The simulated Talos nodes of the embedded default, and the stop of everything they started. */
export interface EmbeddedTalos {
  readonly sim: TalosSim;
  stop(): Promise<void>;
}

/**
 * Talos nodes on the simulated Proxmox VMs: each simulated cluster gets a real kube-apiserver
 * (one shared etcd, a prefix per cluster), with state under `dir` so a restart brings the nodes
 * and clusters back. CAPSTAN_SIM_SCALE sets the boot/upgrade durations like the Proxmox sim's.
 */
export async function startEmbeddedTalos(dir: string, proxmox: ProxmoxSim, logDir: string, scale: number): Promise<EmbeddedTalos> {
  const kube = createSimKubeApiservers({ dataDir: join(dir, 'kube'), persistent: true, logDir });
  try {
    const sim = await startTalosSim({
      proxmox,
      startKubeApiserver: kube.start,
      dataDir: dir,
      stateFile: join(dir, 'state.json'),
      eventLogFile: join(dir, 'events.jsonl'),
      scale,
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
