// apid's check of a client certificate's dates against the simulator's clock. OpenSSL verifies the
// chain (the OS CA) and the dates during the handshake by the wall clock, as Go's crypto/tls does
// in Talos; time-skipping tests move a simulated clock ahead of it, so the dates are checked again
// by that clock. Go's server answers a certificate outside its validity with the TLS alert
// certificate_expired (handshake_server.go); over TLS 1.3 a grpc-go client reads it as the
// connection's first error, code Unavailable — every call of the connection fails that way.
import { status } from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import { TalosRpcError } from '../core/rpc-error.ts';

/** Whether a verified client certificate is outside its validity at `now` (ms since the epoch). */
export function outsideValidity(certificate: Pick<PeerCertificate, 'valid_from' | 'valid_to'>, now: number): boolean {
  return now < Date.parse(certificate.valid_from) || now > Date.parse(certificate.valid_to);
}

/** The error every call of a connection with an expired client certificate fails with, as grpc-go reports it. */
export function expiredCertificate(): TalosRpcError {
  return new TalosRpcError(
    status.UNAVAILABLE,
    'connection error: desc = "error reading server preface: remote error: tls: expired certificate"',
  );
}
