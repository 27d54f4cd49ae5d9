// A gRPC status raised by simulated Talos logic; the server turns it into the call's status.
import { status } from '@grpc/grpc-js';

/** A gRPC status code (numeric, as on the wire). */
export type GrpcCode = (typeof status)[keyof typeof status];

/** An error that becomes a gRPC status with exactly this code and message. */
export class TalosRpcError extends Error {
  /** The gRPC status code. */
  readonly code: GrpcCode;
  constructor(code: GrpcCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Shorthand constructors with the codes Talos uses. */
export const rpcError = {
  invalidArgument: (message: string) => new TalosRpcError(status.INVALID_ARGUMENT, message),
  failedPrecondition: (message: string) => new TalosRpcError(status.FAILED_PRECONDITION, message),
  alreadyExists: (message: string) => new TalosRpcError(status.ALREADY_EXISTS, message),
  notFound: (message: string) => new TalosRpcError(status.NOT_FOUND, message),
  unavailable: (message: string) => new TalosRpcError(status.UNAVAILABLE, message),
  unimplemented: (message: string) => new TalosRpcError(status.UNIMPLEMENTED, message),
  permissionDenied: (message = 'not authorized') => new TalosRpcError(status.PERMISSION_DENIED, message),
  unknown: (message: string) => new TalosRpcError(status.UNKNOWN, message),
} as const;
