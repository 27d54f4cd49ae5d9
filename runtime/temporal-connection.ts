import { readFileSync } from 'node:fs';

/** Where and how Capstan's worker, controller and CLI reach Temporal. */
export interface TemporalSettings {
  readonly address: string;
  readonly namespace: string;
  readonly tls?: {
    readonly serverNameOverride?: string;
    readonly serverRootCACertificate?: Buffer;
    readonly clientCertPair?: { readonly crt: Buffer; readonly key: Buffer };
  };
  readonly apiKey?: string;
}

/**
 * Reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT/_KEY/_CA/_SERVER_NAME and
 * TEMPORAL_API_KEY. The result fits both `Connection.connect` and `NativeConnection.connect`.
 */
export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const cert = env['TEMPORAL_TLS_CERT'];
  const key = env['TEMPORAL_TLS_KEY'];
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (client certificate and its key)');
  }
  const ca = env['TEMPORAL_TLS_CA'];
  const serverName = env['TEMPORAL_TLS_SERVER_NAME'];
  const apiKey = env['TEMPORAL_API_KEY'];
  const useTls = Boolean(cert || ca || serverName || apiKey) || env['TEMPORAL_TLS'] === 'true';
  return {
    address: env['TEMPORAL_ADDRESS'] ?? '127.0.0.1:7233',
    namespace: env['TEMPORAL_NAMESPACE'] ?? 'default',
    ...(useTls
      ? {
          tls: {
            ...(serverName ? { serverNameOverride: serverName } : {}),
            ...(ca ? { serverRootCACertificate: readPem(ca, 'TEMPORAL_TLS_CA') } : {}),
            ...(cert && key ? { clientCertPair: { crt: readPem(cert, 'TEMPORAL_TLS_CERT'), key: readPem(key, 'TEMPORAL_TLS_KEY') } } : {}),
          },
        }
      : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${variable}=${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}
