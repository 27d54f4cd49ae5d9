// What "connected" means for a Capstan process: Temporal's frontend answers a cheap RPC, and the
// management cluster's API server answers with the process's own credentials.
import {
  Observable,
  VersionApi,
  type KubeConfig,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
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
 * server out of reach fails it, and the path needs no RBAC rule (system:public-info-viewer). The
 * request is aborted at the timeout, so probes of an unreachable server do not pile up sockets.
 */
export function kubernetesCheck(kubeConfig: KubeConfig, timeoutMs = 2_000): ReadinessCheck {
  const api = kubeConfig.makeApiClient(VersionApi);
  return {
    name: 'kubernetes',
    async check() {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await api.getCode({}, { middleware: [abortOn(signal)], middlewareMergeStrategy: 'append' });
      } catch (error) {
        if (signal.aborted) throw new Error(`no answer within ${timeoutMs} ms`, { cause: error });
        throw error;
      }
    },
  };
}

/** Middleware giving a request an AbortSignal (the generated client has no per-call option for it). */
function abortOn(signal: AbortSignal): ObservableMiddleware {
  return {
    pre: (context: RequestContext) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (context: ResponseContext) => new Observable(Promise.resolve(context)),
  };
}
