// Runs commands in the image tools/build-image.sh built, through tools/image-buildah.sh (buildah
// on the project's storage, chroot isolation: the host's network, so 127.0.0.1 servers answer).
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { projectDir } from '../../tools/tool-paths.ts';
import { startProcess, type ManagedProcess } from '../../embedded/servers/managed-process.ts';

const buildahScript = `${projectDir}/tools/image-buildah.sh`;

/** Builds the image (reusing cached steps) and returns its ID; minutes the first time. */
export async function buildImage(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [`${projectDir}/tools/build-image.sh`], { maxBuffer: 64 * 1024 * 1024 });
  const id = stdout.trim().split('\n').pop() ?? '';
  if (!/^sha256:[0-9a-f]{64}$/.test(id)) throw new Error(`tools/build-image.sh printed no image ID: ${stdout}`);
  return id;
}

export function buildah(...args: string[]): string {
  return execFileSync('bash', [buildahScript, ...args], { encoding: 'utf8' }).trim();
}

/** The image's OCI configuration: what a container runtime starts, as whom, with which environment. */
export interface ImageConfig {
  readonly User?: string;
  readonly Cmd?: string[];
  readonly Env?: string[];
  readonly WorkingDir?: string;
}

export function imageConfig(imageId: string): ImageConfig {
  return (JSON.parse(buildah('inspect', '--type', 'image', imageId)) as { OCIv1: { config: ImageConfig } }).OCIv1.config;
}

/** A working container from the image; a unique name, so two test runs never collide. */
export interface ImageContainer {
  readonly name: string;
  /** Runs one command to its end and returns what it printed. */
  exec(command: readonly string[]): string;
  /** Starts a long-running command: its `node` gets SIGTERM from stopEntryPoint, as a container runtime sends it. */
  start(label: string, command: readonly string[], options: { env: Record<string, string>; volumes?: readonly string[] }): ManagedProcess;
  remove(): void;
}

export function imageContainer(imageId: string): ImageContainer {
  const name = `capstan-image-test-${randomUUID()}`;
  buildah('from', '--quiet', '--name', name, imageId);
  const runArgs = (env: Record<string, string>, volumes: readonly string[], command: readonly string[]) => [
    'run',
    '--isolation',
    'chroot',
    ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    ...volumes.flatMap((volume) => ['--volume', volume]),
    name,
    '--',
    ...command,
  ];
  return {
    name,
    exec: (command) => buildah(...runArgs({}, [], command)),
    start: (label, command, options) =>
      startProcess({
        name: label,
        command: 'bash',
        args: [buildahScript, ...runArgs(options.env, options.volumes ?? [], command)],
        stopGraceMs: 5_000,
      }),
    remove: () => {
      buildah('rm', name);
    },
  };
}

/**
 * SIGTERM to the entry point's own process, as Kubernetes sends it to a container's main process
 * (buildah itself would answer a SIGTERM by killing its child outright), then its exit code.
 */
export async function stopEntryPoint(running: ManagedProcess): Promise<number | null> {
  const pids = execFileSync('pgrep', ['-g', String(running.pid), '-x', 'node'], { encoding: 'utf8' })
    .trim()
    .split('\n');
  if (pids.length !== 1) throw new Error(`expected one node process in ${running.name}, found ${pids.join(', ')}`);
  process.kill(Number(pids[0]), 'SIGTERM');
  return running.exited;
}
