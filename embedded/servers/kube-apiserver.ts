import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { kubeAssets, requireTool } from '../../tools/tool-paths.ts';
import { freePort } from './free-port.ts';
import { startProcess, waitUntilReady, type ManagedProcess } from './managed-process.ts';

export interface KubeApiserverOptions {
  /** What errors and the process records call it (default `kube-apiserver`). */
  readonly name?: string;
  readonly etcdUrl: string;
  /** Holds the serving certificate, service-account keys and admin token across restarts. */
  readonly dataDir: string;
  readonly port?: number;
  readonly logFile?: string;
  /** Listen (and advertise) here instead of 127.0.0.1. */
  readonly bindAddress?: string;
  /** Serve this certificate (signed by `caPem`) instead of the self-signed one the apiserver makes. */
  readonly serving?: { readonly certPem: string; readonly keyPem: string; readonly caPem: string };
  /** Accept client certificates signed by this CA (`--client-ca-file`). */
  readonly clientCaPem?: string;
  /** Keep this apiserver's objects under their own etcd key prefix, so several can share one etcd. */
  readonly etcdPrefix?: string;
  readonly extraArgs?: readonly string[];
}

export interface KubeApiserver {
  readonly url: string;
  /** PEM of the CA that signed the serving certificate (the apiserver made both). */
  readonly caPem: string;
  /** Bearer token of an admin user in `system:masters`. */
  readonly adminToken: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** Starts kube-apiserver on 127.0.0.1 against `etcdUrl` and waits for /readyz. */
export async function startKubeApiserver(options: KubeApiserverOptions): Promise<KubeApiserver> {
  const binary = requireTool(kubeAssets(), 'kube-apiserver');
  const port = options.port ?? (await freePort());
  const pki = join(options.dataDir, 'pki');
  mkdirSync(pki, { recursive: true });
  const { adminToken, tokenFile } = ensureAdminToken(pki);
  const { publicKeyFile, privateKeyFile } = ensureServiceAccountKeys(pki);
  const bindAddress = options.bindAddress ?? '127.0.0.1';
  const optional = optionalArgs(pki, options);
  const child = startProcess({
    name: options.name ?? 'kube-apiserver',
    command: binary,
    args: [
      `--etcd-servers=${options.etcdUrl}`,
      `--cert-dir=${pki}`,
      `--bind-address=${bindAddress}`,
      `--advertise-address=${bindAddress}`,
      `--secure-port=${port}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      '--authorization-mode=RBAC',
      `--token-auth-file=${tokenFile}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${publicKeyFile}`,
      `--service-account-signing-key-file=${privateKeyFile}`,
      '--v=0',
      ...optional,
      ...(options.extraArgs ?? []),
    ],
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  const url = `https://${bindAddress}:${port}`;
  try {
    // Without a given certificate the apiserver writes a self-signed one (with its CA) on first start.
    const certFile = join(pki, 'apiserver.crt');
    const caPem = (): string | undefined => options.serving?.caPem ?? (existsSync(certFile) ? readFileSync(certFile, 'utf8') : undefined);
    await waitUntilReady(
      child,
      `${url}/readyz`,
      async () => {
        const ca = caPem();
        return ca !== undefined && (await httpsGet(`${url}/readyz`, ca, adminToken)) === 200;
      },
      120_000,
    );
    return { url, caPem: caPem() ?? '', adminToken, process: child, stop: () => child.stop() };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

function optionalArgs(pki: string, options: KubeApiserverOptions): string[] {
  const args: string[] = [];
  if (options.serving) {
    writeFileSync(join(pki, 'serving.crt'), options.serving.certPem);
    writeFileSync(join(pki, 'serving.key'), options.serving.keyPem, { mode: 0o600 });
    args.push(`--tls-cert-file=${join(pki, 'serving.crt')}`, `--tls-private-key-file=${join(pki, 'serving.key')}`);
  }
  if (options.clientCaPem) {
    writeFileSync(join(pki, 'client-ca.crt'), options.clientCaPem);
    args.push(`--client-ca-file=${join(pki, 'client-ca.crt')}`);
  }
  if (options.etcdPrefix) args.push(`--etcd-prefix=${options.etcdPrefix}`);
  return args;
}

function ensureAdminToken(pki: string): { adminToken: string; tokenFile: string } {
  const tokenFile = join(pki, 'tokens.csv');
  if (!existsSync(tokenFile)) {
    const token = randomBytes(24).toString('hex');
    writeFileSync(tokenFile, `${token},capstan-admin,capstan-admin,"system:masters"\n`, { mode: 0o600 });
  }
  const adminToken = readFileSync(tokenFile, 'utf8').split(',')[0] ?? '';
  return { adminToken, tokenFile };
}

function ensureServiceAccountKeys(pki: string): { publicKeyFile: string; privateKeyFile: string } {
  const publicKeyFile = join(pki, 'sa.pub');
  const privateKeyFile = join(pki, 'sa.key');
  if (!existsSync(privateKeyFile)) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return { publicKeyFile, privateKeyFile };
}

function httpsGet(url: string, ca: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
