// Process entry point of a Capstan worker: `tsx workers/main.ts`, configured by TEMPORAL_*, PROXMOX_*, KUBECONFIG
// CAPSTAN_HEALTH_ADDRESS (host:port of /livez and /readyz; unset: not served), CAPSTAN_METRICS_ADDRESS
// (host:port of /metrics, Capstan's and the Temporal SDK's series; unset: not served) and
// CAPSTAN_CLONES_PER_STORAGE (clones at once per Proxmox storage across all workers, default 2).
// CAPSTAN_CODEC_KEYS and CAPSTAN_CODEC_ACTIVE_KEY encrypt payloads in history (runtime/codec/codec-from-env.ts).
import { KubeConfig } from '@kubernetes/client-node';
import { NativeConnection } from '@temporalio/worker';
import { temporalSettingsFromEnv } from '../runtime/temporal-connection.ts';
import { payloadCodecsFromEnv } from '../runtime/codec/codec-from-env.ts';
import { serveHealthFromEnv } from '../runtime/health-from-env.ts';
import { serveMetricsFromEnv } from '../runtime/metrics/metrics-from-env.ts';
import { installSdkMetrics } from '../runtime/metrics/sdk-metrics.ts';
import { createLifecycleActivities } from '../activities/lifecycle-activities.ts';
import { createLifecycleWorker, podShutdownTimes } from './lifecycle-worker.ts';
import { workflowSourceFromEnv } from './workflow-source-from-env.ts';
import { clonesPerStorageFromEnv } from './clones-per-storage-from-env.ts';
import { proxmoxSettingsFromEnv } from './proxmox-settings.ts';

async function main(): Promise<void> {
  const settings = temporalSettingsFromEnv();
  // Read before connecting: a bad key file stops the worker before it takes any task.
  const payloadCodecs = payloadCodecsFromEnv();
  // First: the SDK's runtime takes its telemetry options once, before any connection creates it.
  const sdkMetricsUrl = process.env['CAPSTAN_METRICS_ADDRESS'] ? await installSdkMetrics() : undefined;
  const managementCluster = new KubeConfig();
  managementCluster.loadFromDefault(); // KUBECONFIG, ~/.kube/config, or in-cluster
  const proxmox = proxmoxSettingsFromEnv();
  if (!proxmox) console.log('no PROXMOX_* settings: this worker serves only clusters whose ProxmoxCluster has a spec.credentialsRef');
  const activities = createLifecycleActivities({
    proxmox,
    managementCluster,
    clonesPerStorage: clonesPerStorageFromEnv(),
    ...(process.env['CAPSTAN_SNAPSHOT_DIR'] ? { snapshotDir: process.env['CAPSTAN_SNAPSHOT_DIR'] } : {}),
  });
  const connection = await NativeConnection.connect({
    address: settings.address,
    ...(settings.tls ? { tls: settings.tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  });
  const health = await serveHealthFromEnv({ temporal: connection, kubeConfig: managementCluster });
  const metrics = await serveMetricsFromEnv({ sdkMetricsUrl });
  try {
    const worker = await createLifecycleWorker(connection, settings.namespace, activities, {
      source: workflowSourceFromEnv(),
      shutdown: podShutdownTimes,
      payloadCodecs,
    });
    console.log(`capstan worker polling ${settings.address} namespace ${settings.namespace}`);
    // Worker.run() handles SIGINT/SIGTERM itself: it drains (podShutdownTimes) and resolves.
    await worker.run();
  } finally {
    await metrics?.close();
    await health?.close();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`capstan worker failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
