import { status } from '@grpc/grpc-js';

/** Names of gRPC status codes, for messages and logs. */
export const statusName: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(status)
    .filter(([, code]) => typeof code === 'number')
    .map(([name, code]) => [code, name]),
);

/**
 * A failed Talos call: a gRPC status on the call itself, or a node's in-band error in a proxied
 * reply (`metadata.error` + `metadata.status`). Operations branch on `code` (AlreadyExists on
 * Bootstrap, NotFound on EtcdRemoveMemberByID), then classify the rest once.
 */
export class TalosCallError extends Error {
  override readonly name = 'TalosCallError';

  constructor(
    /** gRPC status code (`status.UNAVAILABLE`, ...). */
    readonly code: number,
    /** The server's message, without the code prefix grpc-js adds. */
    readonly details: string,
    /** The call, e.g. `machine.MachineService/Bootstrap`. */
    readonly call: string,
    /** The node whose in-band reply failed, when apid proxied the call. */
    readonly node?: string,
  ) {
    super(`${call}${node ? ` on ${node}` : ''}: ${statusName[code] ?? `code ${code}`}: ${details}`);
  }
}

/** Whether an error is a Talos call failure with one of the given codes. */
export function hasCode(error: unknown, ...codes: number[]): error is TalosCallError {
  return error instanceof TalosCallError && codes.includes(error.code);
}
