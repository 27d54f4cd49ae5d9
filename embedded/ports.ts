import { createServer } from 'node:net';
import { portHolders } from './port-holders.ts';

/** Fixed loopback ports of the embedded default, so URLs and the kubeconfig stay the same across starts. */
export const embeddedPorts = {
  temporal: Number(process.env['CAPSTAN_TEMPORAL_PORT'] ?? 7233),
  temporalUi: Number(process.env['CAPSTAN_TEMPORAL_UI_PORT'] ?? 8233),
  kubeApiserver: Number(process.env['CAPSTAN_KUBE_APISERVER_PORT'] ?? 16443),
  etcdClient: Number(process.env['CAPSTAN_ETCD_PORT'] ?? 12379),
  etcdPeer: Number(process.env['CAPSTAN_ETCD_PEER_PORT'] ?? 12380),
  proxmox: Number(process.env['CAPSTAN_PROXMOX_PORT'] ?? 18006),
  codecServer: Number(process.env['CAPSTAN_CODEC_SERVER_PORT'] ?? 18233),
} as const;

/** Fails when any of the ports is taken, naming the processes that hold them where it can find them. */
export async function assertPortsFree(ports: Readonly<Record<string, number>>): Promise<void> {
  const busy: Array<[name: string, port: number]> = [];
  for (const [name, port] of Object.entries(ports)) {
    if (!(await isFree(port))) busy.push([name, port]);
  }
  if (busy.length === 0) return;
  const holders = portHolders(busy.map(([, port]) => port));
  const pids = new Set<number>();
  const lines = busy.map(([name, port]) => {
    const held = holders.get(port) ?? [];
    for (const holder of held) pids.add(holder.pid);
    return `  ${name} (${port})${held.map((h) => `: pid ${h.pid} ${shortCommand(h.commandLine)}`).join(',')}`;
  });
  const end = pids.size > 0 ? ` or end the processes above with \`kill ${[...pids].join(' ')}\`,` : '';
  throw new Error(
    `ports in use on 127.0.0.1:\n${lines.join('\n')}\nIs another 'npm start' still running? ` +
      `Stop it with Ctrl-C in its terminal,${end} or choose other ports with CAPSTAN_TEMPORAL_PORT, CAPSTAN_TEMPORAL_UI_PORT, ` +
      'CAPSTAN_KUBE_APISERVER_PORT, CAPSTAN_ETCD_PORT, CAPSTAN_ETCD_PEER_PORT, CAPSTAN_PROXMOX_PORT, CAPSTAN_CODEC_SERVER_PORT.',
  );
}

/** A command line short enough for one line of the error: the program's file name and its first arguments. */
function shortCommand(commandLine: readonly string[]): string {
  const [program = '?', ...args] = commandLine;
  const text = [program.split('/').at(-1) ?? program, ...args].join(' ');
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () =>
      server.close(() => {
        resolve(true);
      }),
    );
  });
}
