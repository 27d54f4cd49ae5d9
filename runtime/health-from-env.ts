import type { KubeConfig } from '@kubernetes/client-node';
import type { ConnectionLike } from '@temporalio/client';
import { startHealthServer, type HealthServer, type ReadinessCheck } from './health-server.ts';
import { kubernetesCheck, temporalCheck } from './readiness-checks.ts';

/**
 * Serves /livez and /readyz (ready: Temporal and the Kubernetes API both answer) on
 * CAPSTAN_HEALTH_ADDRESS (host:port). Unset: no endpoint, as on a laptop; the container image's
 * manifests set [::]:8081 (every address, IPv4 and IPv6).
 */
export async function serveHealthFromEnv(
  dependencies: { readonly temporal: ConnectionLike; readonly kubeConfig: KubeConfig; readonly extraChecks?: readonly ReadinessCheck[] },
  env: NodeJS.ProcessEnv = process.env,
): Promise<HealthServer | undefined> {
  const address = env['CAPSTAN_HEALTH_ADDRESS'];
  if (!address) return undefined;
  const server = await startHealthServer({
    address,
    checks: [temporalCheck(dependencies.temporal), kubernetesCheck(dependencies.kubeConfig), ...(dependencies.extraChecks ?? [])],
  });
  console.error(`health endpoints on ${server.url}/livez and ${server.url}/readyz`);
  return server;
}
