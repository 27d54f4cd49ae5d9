// GET /nodes, /nodes/{node}/status and /nodes/{node}/lxc (always empty: no containers).
import { requireNode } from '../core/vm-lookup.ts';
import { nodeParam } from '../http/pve-formats.ts';
import type { Route } from '../http/router.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';
import { nodeCpu, nodeMemory, nodeUptime, rootfsBytes } from './node-metrics.ts';
import { simulatedPveVersion } from './version.ts';

const kernel = '6.14.8-2-pve';

/** Node routes. */
export const nodeRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'GET',
    path: '/nodes',
    params: {},
    handle: ({ sim }) =>
      sim.state.nodes.map((node) => {
        const memory = nodeMemory(sim, node);
        return {
          node: node.name,
          status: 'online',
          cpu: nodeCpu(sim, node),
          maxcpu: node.cpus,
          mem: memory.used,
          maxmem: memory.total,
          disk: Math.floor(rootfsBytes * 0.1),
          maxdisk: rootfsBytes,
          uptime: nodeUptime(node),
          level: '',
          id: `node/${node.name}`,
          type: 'node',
          // Every simulated node is reached through the one port, so each shows that port's certificate.
          ssl_fingerprint: sim.sslFingerprint,
        };
      }),
  }),
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/status',
    params: { node: nodeParam },
    handle: ({ sim }, { node: name }) => {
      const node = requireNode(sim, name);
      const memory = nodeMemory(sim, node);
      return {
        memory: { ...memory, available: memory.free },
        swap: { total: 8 * 2 ** 30, used: 0, free: 8 * 2 ** 30 },
        rootfs: { total: rootfsBytes, used: rootfsBytes * 0.1, avail: rootfsBytes * 0.9, free: rootfsBytes * 0.9 },
        cpu: nodeCpu(sim, node),
        wait: 0,
        idle: 0,
        loadavg: ['0.12', '0.09', '0.05'],
        uptime: nodeUptime(node),
        cpuinfo: {
          cpus: node.cpus,
          cores: node.cpus,
          sockets: 1,
          model: 'Simulated CPU',
          mhz: '2400.000',
          hvm: '1',
          flags: '',
          user_hz: 100,
        },
        kversion: `Linux ${kernel} #1 SMP PREEMPT_DYNAMIC PMX ${kernel} x86_64`,
        'current-kernel': { sysname: 'Linux', release: kernel, version: '#1 SMP PREEMPT_DYNAMIC', machine: 'x86_64' },
        pveversion: `pve-manager/${simulatedPveVersion.version}/${simulatedPveVersion.repoid}`,
        'boot-info': { mode: 'efi', secureboot: 0 },
        ksm: { shared: 0 },
      };
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/lxc',
    params: { node: nodeParam },
    handle: ({ sim }, { node }) => {
      requireNode(sim, node);
      return [];
    },
  }),
];
