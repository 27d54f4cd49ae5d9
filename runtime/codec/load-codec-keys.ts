// Reads the codec's keys from a file (`id=key` lines) or a directory such as a mounted Kubernetes
// Secret (one file per key, the file name is the key id).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkKeyId, keyRing, parseKeyFile, parseKeyMaterial, type CodecKeyRing, type NamedKey } from './codec-keys.ts';

/** Loads the ring at `path`; `activeId` names the key new payloads are encrypted with. */
export function loadCodecKeys(path: string, activeId?: string): CodecKeyRing {
  const where = `CAPSTAN_CODEC_KEYS=${path}`;
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new Error(`${where} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return keyRing(isDirectory ? readKeyDirectory(path, where) : parseKeyFile(readFileSync(path, 'utf8'), where), activeId, where);
}

function readKeyDirectory(path: string, where: string): NamedKey[] {
  return (
    readdirSync(path, { withFileTypes: true })
      // A mounted Secret also holds `..data` and `..<timestamp>` entries: the kubelet's atomic-update
      // plumbing, not keys. The key files are symlinks into them, so follow links but skip dot names.
      .filter((entry) => !entry.name.startsWith('.'))
      .filter((entry) => statSync(join(path, entry.name)).isFile())
      .map((entry) => {
        const id = checkKeyId(entry.name, where);
        return { id, key: parseKeyMaterial(readFileSync(join(path, entry.name), 'utf8'), id, `${where}/${entry.name}`) };
      })
  );
}
