import { gunzipSync } from 'node:zlib';

const block = 512;

/**
 * The content of one regular file in a .tar.gz, as Talos' Kubeconfig API streams it (Go's
 * archive/tar: ustar headers, PAX records for long names). Enough tar for that and no more.
 */
export function readFileFromTarGz(archive: Buffer, wanted: string): Buffer {
  const tar = gunzipSync(archive);
  let offset = 0;
  let paxName: string | undefined;
  while (offset + block <= tar.length) {
    const header = tar.subarray(offset, offset + block);
    if (header.every((byte) => byte === 0)) break;
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = cString(header.subarray(345, 500));
    const ustarName = cString(header.subarray(0, 100));
    const name = paxName ?? (prefix ? `${prefix}/${ustarName}` : ustarName);
    const body = tar.subarray(offset + block, offset + block + size);
    offset += block + Math.ceil(size / block) * block;
    if (type === 'x') {
      paxName = paxPath(body);
      continue;
    }
    paxName = undefined;
    if ((type === '0' || type === '\0') && name.replace(/^\.\//, '') === wanted) return Buffer.from(body);
  }
  throw new Error(`archive has no file "${wanted}"`);
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

function parseOctal(bytes: Buffer): number {
  const text = cString(bytes).trim();
  const size = text === '' ? 0 : parseInt(text, 8);
  if (!Number.isFinite(size)) throw new Error('corrupt tar header');
  return size;
}

// PAX records: "<length> <key>=<value>\n".
function paxPath(body: Buffer): string | undefined {
  for (const line of body.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}
