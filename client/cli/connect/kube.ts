import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { CliError, oneLine } from '../cli-error.ts';
import type { KubeAccess } from '../context.ts';

const kubeconfigHint = "pass --kubeconfig <file> or set KUBECONFIG to the management cluster's kubeconfig";

/**
 * Loads the management cluster's kubeconfig as kubectl does: `--kubeconfig`, else KUBECONFIG
 * (files joined by the path delimiter), else ~/.kube/config, else the in-cluster service account.
 */
export function loadKubeConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeAccess {
  const kubeConfig = new KubeConfig();
  let source: string;
  try {
    if (path !== undefined) {
      if (!existsSync(path)) throw new CliError(`kubeconfig ${path} does not exist`, kubeconfigHint);
      kubeConfig.loadFromFile(path);
      source = path;
    } else if (env['KUBECONFIG']) {
      const files = env['KUBECONFIG'].split(delimiter).filter((f) => f !== '');
      const present = files.filter((f) => existsSync(f));
      if (present.length === 0) throw new CliError(`KUBECONFIG=${env['KUBECONFIG']} names no file that exists`, kubeconfigHint);
      for (const [index, file] of present.entries()) {
        if (index === 0) kubeConfig.loadFromFile(file);
        else kubeConfig.mergeConfig(fromFile(file));
      }
      source = `KUBECONFIG=${env['KUBECONFIG']}`;
    } else if (existsSync(join(env['HOME'] ?? homedir(), '.kube', 'config'))) {
      source = join(env['HOME'] ?? homedir(), '.kube', 'config');
      kubeConfig.loadFromFile(source);
    } else if (env['KUBERNETES_SERVICE_HOST']) {
      kubeConfig.loadFromCluster();
      source = 'the in-cluster service account';
    } else {
      throw new CliError('no kubeconfig for the management cluster: no --kubeconfig, no KUBECONFIG and no ~/.kube/config', kubeconfigHint);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`kubeconfig ${path ?? env['KUBECONFIG'] ?? ''} cannot be read: ${oneLine(error)}`, kubeconfigHint, { cause: error });
  }
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server)
    throw new CliError(`kubeconfig from ${source} has no current context with a cluster`, `set its current-context, or ${kubeconfigHint}`);
  return { kubeConfig, server, source };
}

function fromFile(file: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(file);
  return config;
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EAI_AGAIN',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && networkCodes.has(code)) return code;
    const errno = (e as { errno?: unknown }).errno;
    if (typeof errno === 'string' && networkCodes.has(errno)) return errno;
  }
  return undefined;
}

/** Turns an unreachable API server or a refused login into a CliError; anything else is returned as is. */
export function explainKubeError(error: unknown, kube: Pick<KubeAccess, 'server' | 'source'>, doing: string): unknown {
  if (error instanceof CliError) return error;
  const code = networkCode(error);
  if (code !== undefined) {
    return new CliError(
      `cannot reach the management cluster at ${kube.server} (${code}) while ${doing}`,
      `the kubeconfig comes from ${kube.source}; ${kubeconfigHint}`,
      { cause: error },
    );
  }
  if (error instanceof ApiException && (error.code === 401 || error.code === 403)) {
    const what = error.code === 401 ? "did not accept the kubeconfig's credentials" : "does not allow the kubeconfig's user";
    return new CliError(
      `the management cluster at ${kube.server} ${what} (HTTP ${error.code}) while ${doing}`,
      `check the user in ${kube.source}`,
      { cause: error },
    );
  }
  return error;
}
