import type { CrdOptions } from '../../api/crds.ts';
import { startConversionWebhook } from '../../client/controller/conversion-webhook-server.ts';
import { createLoopbackTls } from './loopback-tls.ts';

/** Capstan's conversion webhook on 127.0.0.1, and the CRD options that point the API server at it. */
export interface LoopbackConversionWebhook {
  readonly url: string;
  /** For `capstanCrdsWith`: Cluster API kinds stored as v1beta2, v1beta1 converted here. */
  readonly crdOptions: CrdOptions;
  close(): Promise<void>;
}

/**
 * Starts the webhook with a certificate of its own for 127.0.0.1. Keep it running until the
 * management cluster has stopped: every read in the other version (the garbage collector's, a
 * namespace deletion's) goes through it.
 */
export async function startLoopbackConversionWebhook(): Promise<LoopbackConversionWebhook> {
  const tls = await createLoopbackTls('capstan-conversion-webhook');
  const webhook = await startConversionWebhook({ host: '127.0.0.1', port: 0, tls });
  return { url: webhook.url, crdOptions: { v1beta2Webhook: { url: webhook.url, caPem: tls.caPem } }, close: () => webhook.close() };
}
