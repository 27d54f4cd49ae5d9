import { fileURLToPath } from 'node:url';
import { loadSync, type MethodDefinition, type PackageDefinition } from '@grpc/proto-loader';

/** Where Capstan's own Talos .proto files live. */
export const protoDir = fileURLToPath(new URL('./proto/', import.meta.url));

/** The services the client calls, by their full gRPC names. */
export type TalosService = 'machine.MachineService' | 'machine.LifecycleService' | 'machine.ImageService';

// uint64 etcd member ids exceed 2^53, so longs stay decimal strings; enums travel as names.
const loaderOptions = { longs: String, enums: String, defaults: true, oneofs: true, keepCase: false } as const;

let loaded: PackageDefinition | undefined;

/** The package definition of every Talos message Capstan uses, loaded once per process. */
export function talosPackageDefinition(): PackageDefinition {
  loaded ??= loadSync(['machine.proto', 'lifecycle.proto', 'image.proto'], { ...loaderOptions, includeDirs: [protoDir] });
  return loaded;
}

/** One method's path and (de)serializers, e.g. `method('machine.MachineService', 'Version')`. */
export function method(service: TalosService, name: string): MethodDefinition<object, object> {
  const definition = talosPackageDefinition()[service];
  const found = definition && name in definition ? (definition as Record<string, unknown>)[name] : undefined;
  if (!isMethod(found)) throw new Error(`${service}/${name} is not in Capstan's Talos protos`);
  return found;
}

function isMethod(value: unknown): value is MethodDefinition<object, object> {
  return typeof value === 'object' && value !== null && 'path' in value && 'requestSerialize' in value;
}
