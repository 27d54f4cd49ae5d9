import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { status } from '@grpc/grpc-js';
import { msNumberToTs } from '@temporalio/common/lib/time.js';
import { capstanSearchAttributes } from '../../api/search-attributes.ts';
import { ensureSearchAttributes } from '../../client/temporal/search-attributes.ts';
import { projectDir, readEnvFile } from '../../tools/tool-paths.ts';
import { eventually } from './eventually.ts';
import { delay } from './managed-process.ts';
import { startPostgresql, type Postgresql } from './postgresql.ts';
import { setupTemporalSchema } from './temporal-schema.ts';
import { freeTemporalServerPorts, startTemporalServer, type TemporalServer } from './temporal-server.ts';
import { makeTempDir } from './temp-dir.ts';

export interface ProductionTemporalOptions {
  /** Default: temporal-docker/.env's TEMPORAL_NAMESPACE. */
  readonly namespace?: string;
  /** Default: temporal-docker/.env's TEMPORAL_NUM_HISTORY_SHARDS. */
  readonly historyShards?: number;
  /** Writes postgresql.log and temporal-server.log here (default: only kept in memory for errors). */
  readonly logDir?: string;
}

/**
 * temporal-docker/'s topology on this machine: PostgreSQL from Debian's packages, the schema by
 * temporal-sql-tool, temporal-server built from go.temporal.io/server at the pinned release, the
 * namespace and Capstan's search attributes registered.
 */
export interface ProductionTemporal {
  /** host:port of the frontend; the same after `restartServer()`. */
  readonly address: string;
  readonly namespace: string;
  readonly connection: Connection;
  /** The one temporary folder holding the database; `stop()` removes it. */
  readonly workDir: string;
  /** Stops the Temporal server and starts it again on the same database and ports. */
  restartServer(): Promise<void>;
  /** Stops the server and PostgreSQL and removes the work folder; safe to call twice. */
  stop(): Promise<void>;
}

/** temporal-docker/.env: the settings both this harness and the compose stack read. */
const dockerSettings = (): Readonly<Record<string, string>> => readEnvFile(join(projectDir, 'temporal-docker', '.env'));
const dynamicConfigFile = join(projectDir, 'temporal-docker', 'dynamicconfig', 'development-sql.yaml');

/** Starts the production-like Temporal; the caller must `stop()` it (in afterAll or a finally block). */
export async function startProductionTemporal(options: ProductionTemporalOptions = {}): Promise<ProductionTemporal> {
  const settings = dockerSettings();
  const namespace = options.namespace ?? settings['TEMPORAL_NAMESPACE'] ?? 'default';
  const historyShards = options.historyShards ?? Number(settings['TEMPORAL_NUM_HISTORY_SHARDS'] ?? '4');
  const retentionMs = wholeHours(settings['TEMPORAL_NAMESPACE_RETENTION'] ?? '720h') * 3_600_000;
  const work = makeTempDir('production-temporal');
  // PostgreSQL may run as another account (see postgresql.ts), which must reach its folder inside.
  chmodSync(work.path, 0o711);
  const log = (name: string): { logFile?: string } => (options.logDir ? { logFile: join(options.logDir, name) } : {});

  let database: Postgresql | undefined;
  let server: TemporalServer | undefined;
  let connection: Connection | undefined;
  // Every step runs even when one before it fails, so a failing stop leaves no database or folder behind.
  const stopAll = async (): Promise<void> => {
    await connection?.close().catch(() => undefined);
    try {
      await server?.stop();
    } finally {
      try {
        await database?.stop();
      } finally {
        work.remove();
      }
    }
  };
  try {
    database = await startPostgresql({
      dir: join(work.path, 'postgresql'),
      user: settings['POSTGRES_USER'] ?? 'temporal',
      password: randomBytes(18).toString('base64url'),
      unsafeNoFsync: true,
      ...log('postgresql.log'),
    });
    await setupTemporalSchema(database);
    const ports = await freeTemporalServerPorts();
    const serverOptions = { database, ports, historyShards, dynamicConfigFile, ...log('temporal-server.log') };
    server = await startTemporalServer(serverOptions);
    connection = await Connection.connect({ address: server.address });
    await registerNamespace(connection, namespace, retentionMs);
    const ready = connection;
    // A new namespace takes a moment to reach every service, as temporal-docker/scripts/create-namespace.sh knows.
    await eventually(() => ensureSearchAttributes(ready, namespace), 60_000, 500);
    await searchAttributesInEffect(ready, namespace);

    let stopping: Promise<void> | undefined;
    return {
      address: server.address,
      namespace,
      connection: ready,
      workDir: work.path,
      restartServer: async () => {
        await server?.stop();
        server = undefined;
        server = await startTemporalServer(serverOptions);
      },
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Listed is not yet usable: each service maps the namespace's search attributes from its own
 * namespace cache, refreshed every system.namespaceCacheRefreshInterval (2 s by default). Waits
 * until the frontend accepts a query naming all of them, then one more interval for the
 * history service, which maps the attributes a workflow upserts.
 */
async function searchAttributesInEffect(connection: Connection, namespace: string): Promise<void> {
  const query = capstanSearchAttributes.map((key) => `${key.name} = ""`).join(' AND ');
  await eventually(() => connection.workflowService.countWorkflowExecutions({ namespace, query }), 30_000, 200);
  await delay(namespaceCacheRefreshMs);
}

const namespaceCacheRefreshMs = 2_000;

async function registerNamespace(connection: Connection, namespace: string, retentionMs: number): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return;
  } catch (error) {
    if (!isGrpcServiceError(error) || error.code !== status.NOT_FOUND) throw error;
  }
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msNumberToTs(retentionMs) });
}

/** A Go duration in whole hours ("720h"), the form temporal-docker/.env gives the retention in. */
function wholeHours(duration: string): number {
  const match = /^(\d+)h$/.exec(duration);
  if (!match) throw new Error(`temporal-docker/.env: TEMPORAL_NAMESPACE_RETENTION=${duration} is not a whole number of hours like 720h`);
  return Number(match[1]);
}
