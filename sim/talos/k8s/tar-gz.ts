// A .tar.gz with regular files, the container Talos' Kubeconfig RPC streams.
import { gzipSync } from 'node:zlib';

/** One regular file for the archive. */
export interface TarFile {
  readonly name: string;
  readonly mode: number;
  readonly content: Buffer;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

// A POSIX ustar header: fixed-width ASCII fields, checksum computed with its own field as spaces.
function header(file: TarFile, mtime: number): Buffer {
  const block = Buffer.alloc(512);
  const put = (offset: number, text: string): void => {
    block.write(text, offset, 'ascii');
  };
  put(0, file.name);
  put(100, octal(file.mode, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(file.content.length, 12));
  put(136, octal(mtime, 12));
  put(148, '        ');
  put(156, '0');
  put(257, 'ustar\u000000');
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** Packs files into a gzip-compressed tar archive. */
export function tarGz(files: readonly TarFile[], mtime = Math.floor(Date.now() / 1000)): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    parts.push(header(file, mtime), file.content, Buffer.alloc((512 - (file.content.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}
