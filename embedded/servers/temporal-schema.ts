import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool, temporalServerDir } from '../../tools/tool-paths.ts';

const run = promisify(execFile);

/** Where the Temporal server's databases live and how to log in. */
export interface TemporalDatabase {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/** The two databases temporal-docker/ creates, and the schema folder each one takes. */
export const temporalDatabases = [
  { name: 'temporal', schema: 'temporal' },
  { name: 'temporal_visibility', schema: 'visibility' },
] as const;

/**
 * Creates Temporal's databases and migrates them to the schema versions shipped with the server,
 * by the server's own temporal-sql-tool and the same steps as temporal-docker/scripts/setup-postgres.sh.
 */
export async function setupTemporalSchema(database: TemporalDatabase): Promise<void> {
  const dir = temporalServerDir();
  const sqlTool = requireTool(dir, 'temporal-sql-tool');
  const schemaRoot = requireTool(dir, join('schema', 'postgresql', 'v12'));
  const connection = ['--plugin', 'postgres12', '--ep', database.host, '-p', String(database.port), '-u', database.user];
  // The tool reads the password from the environment, which keeps it off command lines.
  const env = { ...process.env, SQL_PASSWORD: database.password };
  const step = async (db: string, args: readonly string[]): Promise<void> => {
    try {
      await run(sqlTool, [...connection, '--db', db, ...args], { env });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`temporal-sql-tool ${args[0]} on database ${db} failed: ${stderr || stdout || String(error)}`, { cause: error });
    }
  };
  await Promise.all(
    temporalDatabases.map(async ({ name, schema }) => {
      await step(name, ['create']);
      await step(name, ['setup-schema', '-v', '0.0']);
      await step(name, ['update-schema', '-d', join(schemaRoot, schema, 'versioned')]);
    }),
  );
}
