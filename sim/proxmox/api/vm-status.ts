// The per-VM status object of GET …/qemu and …/status/current (PVE::QemuServer::vmstatus).
import { effectiveLock } from '../core/context.ts';
import type { SimContext } from '../core/context.ts';
import type { VmState } from '../core/state.ts';
import { bootDiskBytes, cpuCount, memoryBytes } from '../core/vm-metrics.ts';
import type { JsonObject } from '../http/json-value.ts';

/** vmstatus for one VM. */
export function vmStatus(ctx: SimContext, vm: VmState): JsonObject {
  const running = vm.status === 'running';
  const maxmem = memoryBytes(vm.config);
  const lock = effectiveLock(ctx, vm);
  const status: JsonObject = {
    vmid: vm.vmid,
    name: vm.config['name'] ?? `VM ${vm.vmid}`,
    status: vm.status,
    qmpstatus: vm.status,
    cpus: cpuCount(vm.config),
    maxmem,
    maxdisk: bootDiskBytes(vm.config),
    mem: running ? Math.floor(maxmem * 0.3) : 0,
    disk: 0,
    cpu: running ? 0.012 : 0,
    uptime: running ? Math.floor((Date.now() - (vm.startedAt ?? Date.now())) / 1000) : 0,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
    tags: vm.config['tags'],
    lock,
    template: vm.config['template'] === '1' ? 1 : undefined,
  };
  if (running) {
    status['pid'] = vm.pid;
    status['balloon'] = maxmem;
    status['freemem'] = Math.floor(maxmem * 0.6);
    status['running-machine'] = 'pc-i440fx-9.2+pve1';
    status['running-qemu'] = '9.2.0';
  }
  return status;
}
