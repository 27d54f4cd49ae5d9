import { status } from '@grpc/grpc-js';
import { maintenanceCredentials } from '../machine-api/credentials.ts';
import { hasCode } from '../machine-api/talos-call-error.ts';
import { activityCallOptions, withClient } from './talos-session.ts';

const probeDeadlineMs = 10_000;

/**
 * Whether the node serves maintenance mode: a configured node refuses a TLS client without a
 * certificate during the handshake (UNAVAILABLE), while a maintenance node answers with any gRPC
 * status (Version succeeds on Talos >= 1.13; older ones say Unimplemented).
 */
export async function isInMaintenance(address: string): Promise<boolean> {
  return withClient(address, maintenanceCredentials, async (client) => {
    try {
      await client.version(undefined, activityCallOptions(probeDeadlineMs));
      return true;
    } catch (error) {
      if (hasCode(error, status.UNIMPLEMENTED, status.PERMISSION_DENIED, status.UNAUTHENTICATED)) return true;
      if (hasCode(error, status.UNAVAILABLE, status.DEADLINE_EXCEEDED)) return false;
      throw error;
    }
  });
}
