import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
 * and an etcd of its own (so its etcd can be lost and recovered from a snapshot), or with CAPSTAN_SIM_LIGHT=1 all share one (a few MiB
 * per cluster, for fleets), with state under `dir` so a restart brings the nodes and clusters back. CAPSTAN_SIM_SCALE sets the boot/upgrade durations like the Proxmox sim's;
 * CAPSTAN_SIM_LOAD_BALANCERS (`host:port,…` in 127.0.0.0/8) names endpoints where the simulator
 * plays a user's own load balancer (clusters annotated `capstan.dev/control-plane-endpoint:
 * external-load-balancer`); every other endpoint answers only at a control plane's Talos VIP.
 */
export async function startEmbeddedTalos(dir: string, proxmox: ProxmoxSim, logDir: string, scale: number): Promise<EmbeddedTalos> {
  const light = simLightFromEnv();
  keepKubeMode(dir, light);
  const kubeDir = join(dir, 'kube');
  // State from before each cluster had its own etcd keeps its Kubernetes objects in the one etcd
  // every cluster shared: keep using it (etcd recovery is refused there).
  const sharedEtcd = existsSync(join(kubeDir, 'etcd'));
  const kube = createSimKubeStarter(light, { dataDir: kubeDir, persistent: true, logDir, sharedEtcd });
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

/**
 * Records the kube-apiserver mode of the simulated clusters in `dir`, refusing a switch while
 * clusters exist: each mode keeps their Kubernetes objects in a store of its own, and the nodes
 * remember that their kubelets registered, so a switch would leave them without Nodes.
 */
export function keepKubeMode(dir: string, light: boolean): void {
  const file = join(dir, 'kube-mode');
  const mode = light ? 'light' : 'apiserver-per-cluster';
  const clusters = existsSync(join(dir, 'state.json'));
  // State from before the mode was recorded was made with an apiserver per cluster.
  const before = existsSync(file) ? readFileSync(file, 'utf8').trim() : clusters ? 'apiserver-per-cluster' : undefined;
  if (before !== undefined && before !== mode && clusters)
    throw new Error(
      `CAPSTAN_SIM_LIGHT=${light ? '1' : '0'} asks for ${mode} mode, but the simulated clusters in ${dir} were made in ${before} mode: set it back, or remove ${dir} (its clusters go with it)`,
    );
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${mode}\n`);
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
