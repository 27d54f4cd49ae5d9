import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { finishSignal, type waitForFinishWorkflow } from '../fixtures/workflows.ts';

/** Runs a real worker with the fixture workflows until the signalled `waitForFinishWorkflow` run returns; resolves with its result. */
export async function finishWithFixtureWorker(
  target: { readonly address: string; readonly namespace: string },
  taskQueue: string,
  handle: WorkflowHandle<typeof waitForFinishWorkflow>,
): Promise<string> {
  const connection = await NativeConnection.connect({ address: target.address });
  try {
    const worker = await Worker.create({
      connection,
      namespace: target.namespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('../fixtures/workflows.ts', import.meta.url)),
    });
    return await worker.runUntil(async () => {
      await handle.signal(finishSignal);
      return handle.result();
    });
  } finally {
    await connection.close();
  }
}
