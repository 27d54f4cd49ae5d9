// Every controller replica serves the conversion webhook (leader or not): the API server calls it
// through a Service for any read or write of cluster.x-k8s.io in the version it does not store.
import type { KubeConfig } from '@kubernetes/client-node';
import { conversionWebhookCrdNames, webhookService } from '../../../api/crds.ts';
import { parseHealthAddress, type ReadinessCheck } from '../../../runtime/health-server.ts';
import { startConversionWebhook, type ConversionWebhook } from '../conversion-webhook-server.ts';
import { injectCaBundle } from './inject-ca-bundle.ts';
import { ensureWebhookCertificate } from './webhook-certificate.ts';

/** The webhook a replica serves, or is still setting up. */
export interface ConversionWebhookService {
  /** For /readyz: fails, with the last error, until the webhook serves. */
  readonly readiness: ReadinessCheck;
  /** Resolves once it serves (for tests and logs). */
  readonly serving: Promise<ConversionWebhook>;
  close(): Promise<void>;
}

const retryMs = 2_000;

/**
 * On CAPSTAN_WEBHOOK_ADDRESS (host:port; unset: not served, as with v1beta1-only CRDs): the
 * certificate from Secret CAPSTAN_WEBHOOK_SECRET (default capstan-webhook-tls) in `namespace`,
 * made for the Service CAPSTAN_WEBHOOK_SERVICE (default capstan-webhook) and the names in
 * CAPSTAN_WEBHOOK_HOSTS (comma-separated DNS names or IPs), its CA injected into the
 * cluster.x-k8s.io CRDs, then served. Setting up is retried until it works, and the replica
 * stays unready meanwhile: an API server that refuses the replica now may take it later.
 */
export function serveConversionWebhookFromEnv(
  kubeConfig: KubeConfig,
  namespace: string,
  env: NodeJS.ProcessEnv = process.env,
): ConversionWebhookService | undefined {
  const address = env['CAPSTAN_WEBHOOK_ADDRESS'];
  if (!address) return undefined;
  const { host, port } = parseHealthAddress(address, 'CAPSTAN_WEBHOOK_ADDRESS');
  const service = env['CAPSTAN_WEBHOOK_SERVICE'] ?? webhookService.name;
  const extra = (env['CAPSTAN_WEBHOOK_HOSTS'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const isIp = (name: string) => /^[\d.]+$/.test(name) || name.includes(':');
  const request = {
    namespace,
    secretName: env['CAPSTAN_WEBHOOK_SECRET'] ?? 'capstan-webhook-tls',
    dnsNames: [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`, ...extra.filter((n) => !isIp(n))],
    ipAddresses: extra.filter(isIp),
  };

  const state = { closed: false };
  let webhook: ConversionWebhook | undefined;
  let lastError = 'setting up';
  let wake: (() => void) | undefined;
  const setUp = async (): Promise<ConversionWebhook> => {
    const certificate = await ensureWebhookCertificate(kubeConfig, request);
    await injectCaBundle(kubeConfig, conversionWebhookCrdNames, certificate.caPem);
    return startConversionWebhook({ host, port, tls: certificate });
  };
  const serving = (async () => {
    for (;;) {
      if (state.closed) throw new Error('the conversion webhook was closed before it served');
      try {
        webhook = await setUp();
        console.error(`conversion webhook on ${webhook.url}`);
        return webhook;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        console.error(`conversion webhook not serving yet (retrying in ${retryMs / 1000} s): ${lastError}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, retryMs).unref();
        });
      }
    }
  })();
  serving.catch(() => undefined);
  return {
    readiness: {
      name: 'conversion-webhook',
      check: () => (webhook ? Promise.resolve() : Promise.reject(new Error(lastError))),
    },
    serving,
    async close() {
      state.closed = true;
      wake?.();
      await webhook?.close();
    },
  };
}
