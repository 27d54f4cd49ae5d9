// The manifests of deploy/ as a user builds them: `kubectl kustomize <dir>` with the kubectl the
// toolchain installs (its kustomize is built in), and applied with `kubectl apply --server-side`.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubeAssets, projectDir, requireTool } from '../../tools/tool-paths.ts';

/** deploy/ in the project. */
export const deployDir = join(projectDir, 'deploy');

/** The kustomizations a user can apply: the base and every overlay, relative to deploy/. */
export function deployTargets(): string[] {
  const overlays = readdirSync(join(deployDir, 'overlays'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `overlays/${entry.name}`)
    .sort();
  return ['base', ...overlays];
}

/** A built manifest, as plain JSON. */
export interface BuiltObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** Runs the toolchain's kubectl; what it printed, or an error with what kubectl said. */
export function kubectlOutput(
  args: readonly string[],
  options: { kubeconfig?: string; input?: string } = {},
): { stdout: string; stderr: string } {
  const binary = requireTool(kubeAssets(), 'kubectl');
  const run = spawnSync(binary, [...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []), ...args], {
    encoding: 'utf8',
    ...(options.input === undefined ? {} : { input: options.input }),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${run.stderr || String(run.error)}`);
  return { stdout: run.stdout, stderr: run.stderr };
}

/**
 * kubectlOutput without blocking this process: needed while this process serves something the API
 * server calls back during the request (the loopback conversion webhook of `capstanCrds`).
 */
export function kubectlOutputAsync(
  args: readonly string[],
  options: { kubeconfig?: string; input?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  const binary = requireTool(kubeAssets(), 'kubectl');
  const child = spawn(binary, [...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []), ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr}`));
    });
  });
}

/** Runs the toolchain's kubectl; its standard output. */
export function kubectl(args: readonly string[], options: { kubeconfig?: string; input?: string } = {}): string {
  return kubectlOutput(args, options).stdout;
}

/** `kubectl kustomize deploy/<target>`: the YAML a user applies. */
export function buildYaml(target: string): string {
  return kubectl(['kustomize', join(deployDir, target)]);
}

/** The objects of `kubectl kustomize deploy/<target>`. */
export function buildObjects(target: string): BuiltObject[] {
  return parseAllDocuments(buildYaml(target))
    .map((document) => document.toJSON() as BuiltObject | null)
    .filter((object): object is BuiltObject => object !== null);
}
