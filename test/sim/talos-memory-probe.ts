// Measures what one simulated cluster costs: RSS of the kube-apiserver and etcd processes behind
// the clusters and the simulator's own growth. Modes: `dedicated` (an apiserver and an etcd per
// cluster: the default, which etcd recovery needs), `shared` (one etcd for all: fleet benchmarks),
// `light` (one apiserver for all). Run:
//   NODE_OPTIONS=--expose-gc npx tsx test/sim/talos-memory-probe.ts [clusters] [dedicated|shared|light]
import { startProxmoxSim } from '../../sim/proxmox/index.ts';
import { startTalosSim } from '../../sim/talos/index.ts';
import { simClusterMemory } from '../../embedded/servers/process-memory.ts';
import { createSharedSimKubeApiserver } from '../../embedded/servers/shared-sim-kube-apiserver.ts';
import { createSimKubeApiservers } from '../../embedded/servers/sim-kube-apiservers.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { clientCredentials, createVm, eventually, insecure, machineConfig, newBundle, sleep, TestTalosClient } from './talos-helpers.ts';

const clusters = Number(process.argv[2] ?? '3');
const mode = process.argv[3] ?? 'dedicated';
if (!['shared', 'dedicated', 'light'].includes(mode)) throw new Error(`mode ${mode}: use shared, dedicated or light`);
const light = mode === 'light';
const mib = (bytes: number): number => bytes / 1024 / 1024;

const dir = makeTempDir('talos-memory');
const proxmox = await startProxmoxSim({ scale: 0.002, seed: 1 });
const kube = light
  ? createSharedSimKubeApiserver({ dataDir: dir.path })
  : createSimKubeApiservers({ dataDir: dir.path, sharedEtcd: mode === 'shared' });
global.gc?.();
const baseline = process.memoryUsage().rss;
const talos = await startTalosSim({
  proxmox,
  startKubeApiserver: kube.start,
  dataDir: dir.path,
  scale: 0.01,
  seed: 1,
  sharedKubernetes: light,
});
try {
  for (let c = 0; c < clusters; c += 1) {
    const bundle = await newBundle();
    const net = `127.0.${210 + c}`;
    const vms = [
      { vmid: 300 + c * 10, name: `mem${c}-cp-1`, address: `${net}.11`, type: 'controlplane' as const },
      { vmid: 301 + c * 10, name: `mem${c}-w-1`, address: `${net}.21`, type: 'worker' as const },
      { vmid: 302 + c * 10, name: `mem${c}-w-2`, address: `${net}.22`, type: 'worker' as const },
    ];
    for (const vm of vms) {
      await createVm(proxmox, vm);
      await eventually(() => {
        if (talos.nodes().find((n) => n.vmid === vm.vmid)?.stage !== 'maintenance') throw new Error('not yet');
      });
      const anonymous = new TestTalosClient(vm.address, insecure());
      await anonymous.unary('ApplyConfiguration', {
        data: Buffer.from(
          machineConfig(bundle, {
            type: vm.type,
            cluster: `mem${c}`,
            endpoint: `https://${net}.10:6443`,
            hostname: vm.name,
            address: vm.address,
          }),
        ),
      });
      anonymous.close();
    }
    const admin = new TestTalosClient(`${net}.11`, await clientCredentials(bundle));
    await eventually(() => admin.unary('Bootstrap'), 30_000, 100);
    admin.close();
  }
  await eventually(
    () => {
      if (!talos.clusters().every((c) => c.apiAvailable)) throw new Error('apiservers starting');
    },
    600_000,
    500,
  );
  // Let informers, watch caches and the simulated workloads settle.
  await sleep(30_000);
  global.gc?.();
  const sim = mib(process.memoryUsage().rss - baseline);
  const memory = simClusterMemory(kube.processIds(), clusters, sim);
  console.log(JSON.stringify({ mode, ...memory, simGrowthMiB: Math.round(sim) }, null, 1));
} finally {
  await talos.stop();
  await kube.stop();
  await proxmox.stop();
  dir.remove();
}
