import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What a stream written to a file amounted to. */
export interface WrittenFile {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Writes chunks to `path` so that the path holds either the old file or the complete new one:
 * a temporary file beside it, fsynced, then renamed over it. A failed or cancelled stream leaves
 * nothing behind.
 */
export async function writeAtomically(
  path: string,
  chunks: AsyncIterable<Buffer>,
  onChunk?: (bytesSoFar: number) => void,
): Promise<WrittenFile> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  const file = await open(temporary, 'wx', 0o600);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      await file.write(chunk);
      hash.update(chunk);
      bytes += chunk.length;
      onChunk?.(bytes);
    }
    await file.sync();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
  return { path, bytes, sha256: hash.digest('hex') };
}
