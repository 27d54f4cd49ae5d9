import { Client, Connection, isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { TemporalSettings } from '../../../runtime/temporal-connection.ts';
import { CliError, oneLine } from '../cli-error.ts';
import type { TemporalAccess } from '../context.ts';

/** How long the CLI waits for Temporal to answer the first call before calling it unreachable. */
export const connectTimeoutMs = 5_000;

const unavailable = 14; // gRPC UNAVAILABLE

/** The hint for every "cannot reach Temporal" error. */
export function temporalHint(address: string): string {
  return `is the Temporal server at ${address} running? Point the CLI at yours with TEMPORAL_ADDRESS=host:port (and TEMPORAL_NAMESPACE) or --temporal-address`;
}

/**
 * Connects to Temporal; an unreachable server becomes one CliError naming the address.
 * `payloadCodecs` decrypt what workers encrypted (runtime/codec).
 */
export async function connectTemporal(
  settings: TemporalSettings,
  timeoutMs = connectTimeoutMs,
  payloadCodecs: readonly PayloadCodec[] = [],
): Promise<TemporalAccess & { close(): Promise<void> }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: settings.address,
      ...(settings.tls ? { tls: settings.tls } : {}),
      ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
      connectTimeout: timeoutMs,
    });
  } catch (error) {
    throw new CliError(`cannot reach Temporal at ${settings.address}: ${oneLine(error)}`, temporalHint(settings.address), { cause: error });
  }
  return {
    client: new Client({ connection, namespace: settings.namespace, dataConverter: { payloadCodecs: [...payloadCodecs] } }),
    address: settings.address,
    namespace: settings.namespace,
    close: () => connection.close(),
  };
}

/** Turns a lost connection or an expired deadline into a CliError; anything else is returned as is. */
export function explainTemporalError(error: unknown, temporal: Pick<TemporalAccess, 'address'>, doing: string): unknown {
  if (isGrpcDeadlineError(error)) {
    return new CliError(
      `Temporal did not answer in time while ${doing}`,
      `check the server at ${temporal.address} and that a Capstan worker is running`,
      { cause: error },
    );
  }
  const grpc = isGrpcServiceError(error)
    ? error
    : isGrpcServiceError((error as { cause?: unknown } | null)?.cause)
      ? (error as { cause: unknown }).cause
      : undefined;
  if (grpc !== undefined && (grpc as { code?: number }).code === unavailable) {
    return new CliError(`lost the connection to Temporal at ${temporal.address} while ${doing}`, temporalHint(temporal.address), {
      cause: error,
    });
  }
  return error;
}
