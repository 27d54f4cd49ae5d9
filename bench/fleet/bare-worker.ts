// Process entry point of the bare-Temporal baseline's worker: `node --import tsx bench/fleet/bare-worker.ts`,
// configured like Capstan's worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE) plus FLEET_BARE_TASK_QUEUE.
// Worker settings are the SDK's defaults, as Capstan's worker uses them (workers/lifecycle-worker.ts).
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { temporalSettingsFromEnv } from '../../runtime/temporal-connection.ts';
import { bareActivities } from './bare-activities.ts';

async function main(): Promise<void> {
  const settings = temporalSettingsFromEnv();
  const taskQueue = process.env['FLEET_BARE_TASK_QUEUE'];
  if (!taskQueue) throw new Error('FLEET_BARE_TASK_QUEUE is not set');
  const connection = await NativeConnection.connect({ address: settings.address });
  try {
    const worker = await Worker.create({
      connection,
      namespace: settings.namespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./bare-workflows.ts', import.meta.url)),
      activities: bareActivities,
    });
    console.log(`bare worker polling ${settings.address} task queue ${taskQueue}`);
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bare worker failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
