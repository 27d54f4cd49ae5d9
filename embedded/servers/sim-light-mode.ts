// The switch between the simulator's two ways of running workload clusters' Kubernetes APIs: a
// real kube-apiserver per cluster (the default: fidelity) or one shared by every cluster (light
// mode: a few MiB per cluster, for fleets). The Talos simulator must be told too
// (`sharedKubernetes`), so every starter and its mode come from here.
import { createSharedSimKubeApiserver } from './shared-sim-kube-apiserver.ts';
import { createSimKubeApiservers, type SimKubeApiservers, type SimKubeApiserversOptions } from './sim-kube-apiservers.ts';

/** `CAPSTAN_SIM_LIGHT`: `1`/`true` shares one kube-apiserver among the simulated clusters; unset, empty, `0`/`false` does not. */
export function simLightFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env['CAPSTAN_SIM_LIGHT'] ?? '').trim().toLowerCase();
  if (value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new Error(`CAPSTAN_SIM_LIGHT=${value}: use 1 (simulated clusters share one kube-apiserver) or 0 (one each, the default)`);
}

/** The kube-apiserver starter of the mode; pass `sharedKubernetes: light` to the Talos simulator with it. */
export function createSimKubeStarter(light: boolean, options: SimKubeApiserversOptions): SimKubeApiservers {
  return light ? createSharedSimKubeApiserver(options) : createSimKubeApiservers(options);
}
