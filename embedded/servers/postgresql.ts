import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { postgresqlBinDir, requireTool } from '../../tools/tool-paths.ts';
import { freePort } from './free-port.ts';
import { startProcess, waitUntilReady, type ManagedProcess } from './managed-process.ts';
import { runningAsRoot, systemUser, type SystemUser } from './system-user.ts';

const run = promisify(execFile);

export interface PostgresqlOptions {
  /** Holds the cluster's data, its unix socket and its log; a second start on it sees the first one's data. */
  readonly dir: string;
  /** The superuser initdb creates, who logs in over TCP with `password`. */
  readonly user: string;
  readonly password: string;
  readonly port?: number;
  /** Skips fsync: right for throwaway test data, wrong for data a user keeps. */
  readonly unsafeNoFsync?: boolean;
  readonly logFile?: string;
}

/** A running PostgreSQL cluster on 127.0.0.1 that accepts password logins over TCP. */
export interface Postgresql {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

const host = '127.0.0.1';

/**
 * Starts PostgreSQL from Debian's packages on a free port, running initdb first when `dir` holds
 * no cluster yet. PostgreSQL refuses to run as root, so as root it runs as the `postgres` account
 * the package created, owning `dir`.
 */
export async function startPostgresql(options: PostgresqlOptions): Promise<Postgresql> {
  const binDir = postgresqlBinDir();
  const [initdb, postgres, pgIsReady] = ['initdb', 'postgres', 'pg_isready'].map((binary) => requireTool(binDir, binary)) as [
    string,
    string,
    string,
  ];
  const runAs = runningAsRoot() ? postgresAccount() : undefined;
  const dataDir = join(options.dir, 'data');
  mkdirSync(options.dir, { recursive: true });
  if (runAs) chownSync(options.dir, runAs.uid, runAs.gid);
  const asServerUser = { cwd: options.dir, ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) };

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    // The password reaches initdb through a file only the server's account can read, removed at once.
    const passwordFile = join(options.dir, 'initdb-password');
    writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
    if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
    try {
      await run(
        initdb,
        [
          '-D',
          dataDir,
          '-U',
          options.user,
          `--pwfile=${passwordFile}`,
          '--auth=scram-sha-256',
          '-E',
          'UTF8',
          '--locale=C',
          '--no-sync',
          '--no-instructions',
        ],
        asServerUser,
      );
    } catch (error) {
      throw new Error(`initdb failed for ${dataDir}: ${commandOutput(error)}`, { cause: error });
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }

  const port = options.port ?? (await freePort(host));
  const child = startProcess({
    name: 'postgresql',
    command: postgres,
    args: [
      '-D',
      dataDir,
      '-h',
      host,
      '-p',
      String(port),
      '-k',
      options.dir, // the unix socket stays in the cluster's own folder, not the system's
      // Headroom for the Temporal server's connection pools, as temporal-docker/ gives it.
      '-c',
      'max_connections=200',
      ...(options.unsafeNoFsync ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    cwd: options.dir,
    ...(runAs ? { runAs } : {}),
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  try {
    await waitUntilReady(child, `connections on ${host}:${port}`, async () => {
      await run(pgIsReady, ['-q', '-h', host, '-p', String(port), '-U', options.user, '-d', 'postgres']);
      return true;
    });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { host, port, user: options.user, password: options.password, process: child, stop: () => stopPostgresql(child) };
}

/**
 * A fast shutdown (SIGINT to the postmaster alone: it ends the sessions, writes a checkpoint and
 * stops its helpers) rather than the group-wide SIGTERM, which would also signal those helpers
 * behind the postmaster's back; what still runs after that is ended by the group stop.
 */
async function stopPostgresql(child: ManagedProcess): Promise<void> {
  try {
    process.kill(child.pid, 'SIGINT');
  } catch {
    // Already gone.
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([child.exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
  clearTimeout(timer);
  await child.stop();
}

function postgresAccount(): SystemUser {
  const account = systemUser('postgres');
  if (!account) {
    throw new Error(
      "PostgreSQL refuses to run as root, and there is no 'postgres' account to run it as: install Debian's postgresql package (it creates the account) or run the tests as another user",
    );
  }
  return account;
}

function commandOutput(error: unknown): string {
  const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message?: string };
  return [stderr, stdout].filter(Boolean).join('\n') || (message ?? String(error));
}
