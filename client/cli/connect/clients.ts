import { temporalSettingsFromEnv } from '../../../runtime/temporal-connection.ts';
import { payloadCodecsFromEnv } from '../../../runtime/codec/codec-from-env.ts';
import { CliError, oneLine } from '../cli-error.ts';
import type { CliClients, KubeAccess, TemporalAccess } from '../context.ts';

/** The connection flags every command takes. */
export interface ConnectionFlags {
  readonly kubeconfig?: string | undefined;
  readonly temporalAddress?: string | undefined;
  readonly temporalNamespace?: string | undefined;
}

/**
 * Real clients from flags and TEMPORAL_* / KUBECONFIG, connected on first use; `close` ends what
 * was opened. The client libraries load on first use too (client-node takes seconds).
 */
export function processClients(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): CliClients & { close(): Promise<void> } {
  let temporal: Promise<TemporalAccess & { close(): Promise<void> }> | undefined;
  let kube: Promise<KubeAccess> | undefined;
  return {
    temporal() {
      if (!temporal) {
        const settings = temporalSettingsFromEnv(env);
        const payloadCodecs = codecsOrCliError(env);
        temporal = import('./temporal.ts').then(({ connectTemporal, connectTimeoutMs }) =>
          connectTemporal(
            {
              ...settings,
              ...(flags.temporalAddress ? { address: flags.temporalAddress } : {}),
              ...(flags.temporalNamespace ? { namespace: flags.temporalNamespace } : {}),
            },
            connectTimeoutMs,
            payloadCodecs,
          ),
        );
      }
      return temporal;
    },
    kube() {
      kube ??= import('./kube.ts').then(({ loadKubeConfig }) => loadKubeConfig(flags.kubeconfig, env));
      return kube;
    },
    async close() {
      const opened = await temporal?.catch(() => undefined);
      await opened?.close();
    },
  };
}

/** The payload codecs from CAPSTAN_CODEC_KEYS; a bad key file is a CliError, not a stack trace. */
function codecsOrCliError(env: NodeJS.ProcessEnv): ReturnType<typeof payloadCodecsFromEnv> {
  try {
    return payloadCodecsFromEnv(env);
  } catch (error) {
    throw new CliError(oneLine(error), 'fix the key file, or unset CAPSTAN_CODEC_KEYS if payloads are not encrypted', { cause: error });
  }
}
