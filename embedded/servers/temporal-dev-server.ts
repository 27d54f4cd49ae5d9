import { Connection } from '@temporalio/client';
import { requireTool, temporalCli } from '../../tools/tool-paths.ts';
import { ensureSearchAttributes } from '../../client/temporal/search-attributes.ts';
import { freePort } from './free-port.ts';
import { startProcess, waitUntilReady, type ManagedProcess } from './managed-process.ts';

export interface DevServerOptions {
  readonly port?: number;
  /** Serves the Web UI on this port; without it the server runs headless. */
  readonly uiPort?: number;
  /** Persistent SQLite file; without it the server keeps everything in memory. */
  readonly dbFile?: string;
  readonly namespace?: string;
  /** More namespaces to create at launch, with Capstan's search attributes (one per Capstan installation). */
  readonly moreNamespaces?: readonly string[];
  readonly logFile?: string;
  /** The codec server the Web UI decodes payloads with (the browser calls `<endpoint>/decode`). */
  readonly uiCodecEndpoint?: string;
}

/** A running `temporal server start-dev` with Capstan's search attributes registered. */
export interface TemporalDevServer {
  readonly address: string;
  readonly namespace: string;
  readonly uiUrl?: string;
  readonly connection: Connection;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Starts the Temporal CLI's dev server ourselves rather than through the SDK, whose spawn gives
 * a server only ~5 s to come up: too little for a busy 2-core machine or a large SQLite file.
 */
export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<TemporalDevServer> {
  const binary = requireTool(temporalCli());
  const port = options.port ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const address = `127.0.0.1:${port}`;
  const child = startProcess({
    name: 'temporal dev server',
    command: binary,
    args: [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--namespace',
      namespace,
      ...(options.moreNamespaces ?? []).flatMap((more) => ['--namespace', more]),
      '--log-level',
      'warn',
      ...(options.uiPort ? ['--ui-ip', '127.0.0.1', '--ui-port', String(options.uiPort)] : ['--headless']),
      ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
      ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    ],
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  let connection: Connection | undefined;
  try {
    await waitUntilReady(child, `gRPC on ${address}`, async () => {
      connection ??= await Connection.connect({ address, connectTimeout: 1_000 });
      const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace });
      return namespaceInfo?.name === namespace;
    });
    const ready = connection;
    if (!ready) throw new Error(`no connection to ${address}`);
    for (const each of [namespace, ...(options.moreNamespaces ?? [])]) await ensureSearchAttributes(ready, each);
    return {
      address,
      namespace,
      ...(options.uiPort ? { uiUrl: `http://127.0.0.1:${options.uiPort}` } : {}),
      connection: ready,
      process: child,
      stop: async () => {
        await ready.close();
        await child.stop();
      },
    };
  } catch (error) {
    await connection?.close();
    await child.stop();
    throw error;
  }
}
