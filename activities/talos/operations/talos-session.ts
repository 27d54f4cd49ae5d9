import { Context } from '@temporalio/activity';
import { ErrorType } from '../../../api/errors.ts';
import { failure } from '../../failure.ts';
import type { SecretStore } from '../../kubernetes/secret-store.ts';
import type { TalosCredentials } from '../machine-api/credentials.ts';
import type { TalosCallOptions } from '../machine-api/grpc-calls.ts';
import { TalosMachineClient } from '../machine-api/machine-client.ts';
import { parseTalosconfig } from '../machine-api/talosconfig-credentials.ts';
import { talosconfigSecret } from '../../../api/cluster-secrets.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';

/** What the Talos activities are built from: the store holding talosconfigs and machine configs. */
export interface TalosActivityDeps {
  readonly secrets: SecretStore;
  /** Pause between polls of long waits (default 2 s; tests use less). */
  readonly pollMs?: number;
  /** The time certificates are issued and judged at (default: the wall clock; tests follow the test server's time). */
  readonly clock?: () => Date;
}

/** Which node of which cluster an activity talks to. */
export interface TalosNodeRef {
  readonly cluster: ClusterRef;
  /** The node's address (`ip` or `ip:port`), as IPAM gave it to the machine. */
  readonly address: string;
}

/** The cluster's admin mTLS credentials, read from its talosconfig Secret. */
export async function clusterCredentials(secrets: SecretStore, cluster: ClusterRef): Promise<TalosCredentials> {
  const ref = talosconfigSecret(cluster);
  const text = await secrets.read(ref);
  try {
    return parseTalosconfig(text).credentials;
  } catch (error) {
    throw failure(ErrorType.InvalidTalosconfig, `Secret ${ref.namespace}/${ref.name}: ${(error as Error).message}`);
  }
}

/** Runs `use` with a client of the node and closes the client afterwards. */
export async function withClient<T>(
  address: string,
  credentials: TalosCredentials,
  use: (client: TalosMachineClient) => Promise<T>,
): Promise<T> {
  const client = new TalosMachineClient(address, credentials);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/** Call options bound to the running activity: its cancellation cancels the call. */
export function activityCallOptions(deadlineMs?: number): TalosCallOptions {
  const signal = Context.current().cancellationSignal;
  return deadlineMs === undefined ? { signal } : { signal, deadlineMs };
}

/** Heartbeats with details that show in the Temporal UI while an activity waits. */
export function heartbeat(details: Record<string, unknown>): void {
  Context.current().heartbeat(details);
}

/** Sleeps between polls; cancellation of the activity ends the sleep. */
export function pause(ms: number): Promise<void> {
  return Context.current().sleep(ms);
}
