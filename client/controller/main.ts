// Process entry point of the Capstan controller: `node --import tsx client/controller/main.ts`
// (one process: the tsx CLI SIGKILLs a busy child shortly after relaying SIGTERM), configured by
// KUBECONFIG (or in-cluster), TEMPORAL_* (client/temporal/connection-options.ts) and:
//   CAPSTAN_CONTROLLER_NAMESPACE  namespace of the leader-election Lease (default: default)
//   CAPSTAN_CONTROLLER_IDENTITY   this replica's name in the Lease (default: hostname-pid-random)
//   CAPSTAN_WATCH_NAMESPACE       watch one namespace only (default: all)
//   CAPSTAN_TASK_QUEUE            task queue of the cluster workflows (default: capstan-lifecycle)
//   CAPSTAN_HEALTH_ADDRESS        serve /livez and /readyz here, host:port (default: not served)
//   CAPSTAN_WEBHOOK_ADDRESS       serve the v1beta1 ⇄ v1beta2 conversion webhook here, host:port
//                                 (default: not served); more in webhook/webhook-from-env.ts
//   CAPSTAN_CODEC_KEYS, CAPSTAN_CODEC_ACTIVE_KEY  payload encryption keys (runtime/codec/codec-from-env.ts)
//   CAPSTAN_METRICS_ADDRESS       serve /metrics here, host:port (default: not served)
import { KubeConfig } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { temporalSettingsFromEnv } from '../../runtime/temporal-connection.ts';
import { payloadCodecsFromEnv } from '../../runtime/codec/codec-from-env.ts';
import { serveHealthFromEnv } from '../../runtime/health-from-env.ts';
import { serveMetricsFromEnv } from '../../runtime/metrics/metrics-from-env.ts';
import { createController } from './controller.ts';
import { serveConversionWebhookFromEnv } from './webhook/webhook-from-env.ts';

async function main(): Promise<void> {
  const env = process.env;
  const settings = temporalSettingsFromEnv(env);
  const payloadCodecs = payloadCodecsFromEnv(env);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault(); // KUBECONFIG, ~/.kube/config, or in-cluster
  const connection = await Connection.connect({
    address: settings.address,
    ...(settings.tls ? { tls: settings.tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  });
  const leaseNamespace = env['CAPSTAN_CONTROLLER_NAMESPACE'] ?? 'default';
  // Before the informers: with v1beta2 stored, their v1beta1 lists go through some replica's webhook.
  const webhook = serveConversionWebhookFromEnv(kubeConfig, leaseNamespace, env);
  const controller = createController({
    kubeConfig,
    temporal: new Client({ connection, namespace: settings.namespace, dataConverter: { payloadCodecs } }),
    leaseNamespace,
    ...(env['CAPSTAN_CONTROLLER_IDENTITY'] ? { identity: env['CAPSTAN_CONTROLLER_IDENTITY'] } : {}),
    ...(env['CAPSTAN_WATCH_NAMESPACE'] ? { namespace: env['CAPSTAN_WATCH_NAMESPACE'] } : {}),
    ...(env['CAPSTAN_TASK_QUEUE'] ? { taskQueue: env['CAPSTAN_TASK_QUEUE'] } : {}),
  });
  // Ready means connected, not leading: a standby replica is ready to take over.
  const health = await serveHealthFromEnv({ temporal: connection, kubeConfig, extraChecks: webhook ? [webhook.readiness] : [] });
  const metrics = await serveMetricsFromEnv();
  try {
    await controller.start();
    console.error(
      `capstan controller ${controller.identity} watching ${kubeConfig.getCurrentCluster()?.server ?? 'the cluster'}, Temporal ${settings.address} namespace ${settings.namespace}`,
    );
    // `on`, not `once`: under tsx a signal to the process group arrives twice, and a second one must not kill the shutdown.
    await new Promise<void>((resolve) => {
      process.on('SIGINT', () => {
        resolve();
      });
      process.on('SIGTERM', () => {
        resolve();
      });
    });
  } finally {
    // Stopping releases the Lease: a standby replica takes over at once.
    await controller.stop();
    await metrics?.close();
    await health?.close();
    await webhook?.close();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`capstan controller failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
