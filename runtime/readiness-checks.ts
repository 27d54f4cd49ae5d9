// What "connected" means for a Capstan process: Temporal's frontend answers a cheap RPC, and the
// management cluster's API server answers with the process's own credentials.
import { VersionApi, type KubeConfig } from '@kubernetes/client-node';
import type { ConnectionLike } from '@temporalio/client';
import type { ReadinessCheck } from './health-server.ts';

/** Temporal answers GetSystemInfo on this connection (what SDKs call first; allowed for any caller, Temporal Cloud included). */
export function temporalCheck(connection: ConnectionLike, timeoutMs = 2_000): ReadinessCheck {
  return {
    name: 'temporal',
    async check() {
      await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
    },
  };
}

/**
 * The Kubernetes API answers GET /version with these credentials: a token that expired or a
 * server out of reach fails it, and the path needs no RBAC rule (system:public-info-viewer).
 */
export function kubernetesCheck(kubeConfig: KubeConfig): ReadinessCheck {
  const api = kubeConfig.makeApiClient(VersionApi);
  return {
    name: 'kubernetes',
    async check() {
      await api.getCode();
    },
  };
}
