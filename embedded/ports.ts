import { createServer } from 'node:net';

/** Fixed loopback ports of the embedded default, so URLs and the kubeconfig stay the same across starts. */
export const embeddedPorts = {
  temporal: Number(process.env['CAPSTAN_TEMPORAL_PORT'] ?? 7233),
  temporalUi: Number(process.env['CAPSTAN_TEMPORAL_UI_PORT'] ?? 8233),
  kubeApiserver: Number(process.env['CAPSTAN_KUBE_APISERVER_PORT'] ?? 16443),
  etcdClient: Number(process.env['CAPSTAN_ETCD_PORT'] ?? 12379),
  etcdPeer: Number(process.env['CAPSTAN_ETCD_PEER_PORT'] ?? 12380),
  proxmox: Number(process.env['CAPSTAN_PROXMOX_PORT'] ?? 18006),
} as const;

/** Fails with the port's owner named when any of the ports is taken. */
export async function assertPortsFree(ports: Readonly<Record<string, number>>): Promise<void> {
  const busy: string[] = [];
  for (const [name, port] of Object.entries(ports)) {
    if (!(await isFree(port))) busy.push(`${name} (${port})`);
  }
  if (busy.length > 0) {
    throw new Error(
      `ports in use on 127.0.0.1: ${busy.join(', ')}. Is another 'npm start' still running? ` +
        'Stop it, or choose other ports with CAPSTAN_TEMPORAL_PORT, CAPSTAN_TEMPORAL_UI_PORT, ' +
        'CAPSTAN_KUBE_APISERVER_PORT, CAPSTAN_ETCD_PORT, CAPSTAN_ETCD_PEER_PORT, CAPSTAN_PROXMOX_PORT.',
    );
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => { resolve(false); });
    server.listen(port, '127.0.0.1', () => server.close(() => { resolve(true); }));
  });
}
