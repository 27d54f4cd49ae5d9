import type { TalosCredentials } from '../machine-api/credentials.ts';
import { singleNode } from '../machine-api/node-replies.ts';
import { activityCallOptions, withClient } from './talos-session.ts';

/** The etcd service of one node as `talosctl service etcd` shows it. */
export interface EtcdServiceState {
  /** Talos' service state: `Preparing` (waiting in its pre stage), `Running`, `Failed`, ... */
  readonly state: string;
  readonly healthy: boolean;
  /** The message of its last event: why it waits, or why it failed. */
  readonly message: string;
  /** When that event happened (the node's clock, as Talos sent it), to tell a new failure from an old one. */
  readonly since: string;
}

/** The node's etcd service; a node without one (a worker) answers `state: 'absent'`. */
export async function readEtcdService(address: string, credentials: TalosCredentials): Promise<EtcdServiceState> {
  const reply = await withClient(address, credentials, async (client) =>
    singleNode('machine.MachineService/ServiceList', await client.serviceList(undefined, activityCallOptions(15_000))),
  );
  const etcd = reply.services.find((service) => service.id === 'etcd');
  const last = etcd?.events?.events.at(-1);
  return {
    state: etcd?.state ?? 'absent',
    healthy: etcd?.health?.healthy ?? false,
    message: last?.msg ?? '',
    since: last?.ts ? `${last.ts.seconds}.${String(last.ts.nanos).padStart(9, '0')}` : '',
  };
}
