// The manifests of deploy/ as a user builds them: `kubectl kustomize <dir>` with the kubectl the
// toolchain installs (its kustomize is built in), and applied with `kubectl apply --server-side`.
import { execFileSync } from 'node:child_process';
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

/** Runs the toolchain's kubectl; its output, or an error with what kubectl said. */
export function kubectl(args: readonly string[], options: { kubeconfig?: string; input?: string } = {}): string {
  const binary = requireTool(kubeAssets(), 'kubectl');
  try {
    return execFileSync(binary, [...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []), ...args], {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.input === undefined ? {} : { input: options.input }),
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`kubectl ${args.join(' ')} failed: ${stderr || String(error)}`, { cause: error });
  }
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
