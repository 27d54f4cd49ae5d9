// Loads the simulator's own .proto files (sim/talos/proto) once.
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** Where the simulator's .proto files live (include root). */
export const protoDir = fileURLToPath(new URL('../proto', import.meta.url));

// longs as decimal strings keep uint64 etcd ids exact; enums as names read like Talos' Go code.
const definitions = loadSync(['machine/machine.proto'], {
  includeDirs: [protoDir],
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

/** machine.MachineService as grpc-js serves it. */
export const machineService = definitions['machine.MachineService'] as ServiceDefinition;
