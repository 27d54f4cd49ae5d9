import { Connection } from '@temporalio/client';
// A CommonJS package: Node's ESM loader only offers its default export.
import proto from '@temporalio/proto';
import { requireTool, temporalServerDir } from '../../tools/tool-paths.ts';
import { freePortInRange } from './free-port.ts';
import { startProcess, waitUntilReady, type ManagedProcess } from './managed-process.ts';
import type { TemporalDatabase } from './temporal-schema.ts';

/** The ports of the four services one temporal-server process runs, named as its embedded config template reads them. */
const portVariables = [
  'FRONTEND_GRPC_PORT',
  'FRONTEND_HTTP_PORT',
  'FRONTEND_MEMBERSHIP_PORT',
  'MATCHING_GRPC_PORT',
  'MATCHING_MEMBERSHIP_PORT',
  'HISTORY_GRPC_PORT',
  'HISTORY_MEMBERSHIP_PORT',
  'WORKER_GRPC_PORT',
  'WORKER_MEMBERSHIP_PORT',
] as const;

export type TemporalServerPorts = Readonly<Record<(typeof portVariables)[number], number>>;

/**
 * Free ports for every service; kept across restarts so clients find the frontend where it was.
 * Below 32768, because the SQL schema keeps membership ports in a SMALLINT column.
 */
export async function freeTemporalServerPorts(): Promise<TemporalServerPorts> {
  const ports: Partial<Record<(typeof portVariables)[number], number>> = {};
  const taken = new Set<number>();
  for (const variable of portVariables) {
    let port = await freePortInRange(10_000, 32_767, host);
    while (taken.has(port)) port = await freePortInRange(10_000, 32_767, host);
    taken.add(port);
    ports[variable] = port;
  }
  return ports as TemporalServerPorts;
}

export interface TemporalServerOptions {
  readonly database: TemporalDatabase;
  readonly ports: TemporalServerPorts;
  /** Fixed for the life of the database: the schema records it on the first start. */
  readonly historyShards: number;
  readonly dynamicConfigFile: string;
  readonly logFile?: string;
}

/** A running temporal-server with all its services in one process, on PostgreSQL. */
export interface TemporalServer {
  readonly address: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

const host = '127.0.0.1';

/**
 * Starts `temporal-server start` configured, like the temporalio/server image temporal-docker/
 * runs, by the server's embedded config template and the same environment variables, and waits
 * until its frontend reports serving.
 */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const binary = requireTool(temporalServerDir(), 'temporal-server');
  const address = `${host}:${options.ports.FRONTEND_GRPC_PORT}`;
  const child = startProcess({
    name: 'temporal-server',
    command: binary,
    args: ['start'],
    env: {
      DB: 'postgres12',
      POSTGRES_SEEDS: options.database.host,
      DB_PORT: String(options.database.port),
      POSTGRES_USER: options.database.user,
      POSTGRES_PWD: options.database.password,
      DBNAME: 'temporal',
      VISIBILITY_DBNAME: 'temporal_visibility',
      BIND_ON_IP: host,
      TEMPORAL_BROADCAST_ADDRESS: host,
      NUM_HISTORY_SHARDS: String(options.historyShards),
      DYNAMIC_CONFIG_FILE_PATH: options.dynamicConfigFile,
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(Object.entries(options.ports).map(([variable, port]) => [variable, String(port)])),
    },
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  try {
    await waitUntilReady(
      child,
      `frontend serving on ${address}`,
      async () => {
        const connection = await Connection.connect({ address, connectTimeout: 1_000 });
        try {
          const { status } = await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
          return status === proto.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
        } finally {
          await connection.close();
        }
      },
      120_000,
    );
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { address, process: child, stop: () => child.stop() };
}
