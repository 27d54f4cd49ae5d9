// Process entry point of a Capstan worker: `tsx workers/main.ts`, configured by TEMPORAL_* variables.
import { NativeConnection } from '@temporalio/worker';
import { temporalSettingsFromEnv } from '../client/temporal/connection-options.ts';
import { createLifecycleWorker } from './lifecycle-worker.ts';

async function main(): Promise<void> {
  const settings = temporalSettingsFromEnv();
  const connection = await NativeConnection.connect({
    address: settings.address,
    ...(settings.tls ? { tls: settings.tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  });
  try {
    const worker = await createLifecycleWorker(connection, settings.namespace);
    console.log(`capstan worker polling ${settings.address} namespace ${settings.namespace}`);
    // Worker.run() handles SIGINT/SIGTERM itself: it drains and resolves.
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`capstan worker failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
