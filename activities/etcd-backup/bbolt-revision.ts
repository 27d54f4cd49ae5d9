// Reads the etcd revision a snapshot holds straight from its bbolt database, as `etcdutl
// snapshot status` reports it: the main revision of the last key in etcd's `key` bucket (keys
// there are revisions, 8 bytes big-endian main + '_' + 8 bytes sub, so the last one is the
// newest). Only the pages on the path to that key are read, so a large snapshot costs a few reads.
import { open, type FileHandle } from 'node:fs/promises';

const pageHeaderSize = 16;
const elementSize = 16;
const branchFlag = 0x01;
const leafFlag = 0x02;
const metaFlag = 0x04;
const bucketLeafFlag = 0x01;
const boltMagic = 0xed0cdaed;
const keyBucket = Buffer.from('key');

interface Page {
  readonly flags: number;
  readonly count: number;
  /** The page's bytes, header included (overflow pages appended). */
  readonly bytes: Buffer;
}

/** The snapshot's revision; throws a plain Error saying what does not read (the caller types it). */
export async function snapshotRevision(path: string): Promise<number> {
  const file = await open(path, 'r');
  try {
    const { pageSize, rootPage } = await readMeta(file);
    const pages = new PageReader(file, pageSize);
    const root = await pages.read(rootPage);
    const bucket = await findBucket(pages, root, keyBucket);
    if (bucket === undefined) throw new Error('it has no etcd `key` bucket (not an etcd database)');
    const last = await lastKey(pages, bucket);
    if (last === undefined) return 0;
    if (last.length < 8) throw new Error(`its last key is ${last.length} bytes, not an etcd revision`);
    return Number(last.readBigUInt64BE(0));
  } finally {
    await file.close();
  }
}

/** The newer of the two meta pages whose checksum holds (bbolt writes them alternately). */
async function readMeta(file: FileHandle): Promise<{ pageSize: number; rootPage: bigint }> {
  const first = Buffer.alloc(4096);
  await file.read(first, 0, first.length, 0);
  const pageSize = first.readUInt32LE(pageHeaderSize + 8);
  if (first.readUInt32LE(pageHeaderSize) !== boltMagic || pageSize < 512 || pageSize > 65536) {
    throw new Error('it does not start with a bbolt meta page');
  }
  const candidates: { txid: bigint; rootPage: bigint }[] = [];
  for (const id of [0, 1]) {
    const page = Buffer.alloc(pageHeaderSize + 64);
    await file.read(page, 0, page.length, id * pageSize);
    const meta = page.subarray(pageHeaderSize);
    const valid =
      (page.readUInt16LE(8) & metaFlag) !== 0 &&
      meta.readUInt32LE(0) === boltMagic &&
      fnv1a64(meta.subarray(0, 56)) === meta.readBigUInt64LE(56);
    if (valid) candidates.push({ txid: meta.readBigUInt64LE(48), rootPage: meta.readBigUInt64LE(16) });
  }
  const newest = candidates.sort((a, b) => (a.txid < b.txid ? 1 : -1))[0];
  if (newest === undefined) throw new Error('neither bbolt meta page has a valid checksum');
  return { pageSize, rootPage: newest.rootPage };
}

class PageReader {
  constructor(
    private readonly file: FileHandle,
    private readonly pageSize: number,
  ) {}

  async read(id: bigint): Promise<Page> {
    const position = Number(id) * this.pageSize;
    const header = Buffer.alloc(pageHeaderSize);
    const { bytesRead } = await this.file.read(header, 0, pageHeaderSize, position);
    if (bytesRead < pageHeaderSize) throw new Error(`page ${id} lies beyond the end of the file`);
    const overflow = header.readUInt32LE(12);
    const bytes = Buffer.alloc((overflow + 1) * this.pageSize);
    await this.file.read(bytes, 0, bytes.length, position);
    return pageOf(bytes);
  }
}

const pageOf = (bytes: Buffer): Page => ({ flags: bytes.readUInt16LE(8), count: bytes.readUInt16LE(10), bytes });

/** A bucket's root page: its own page, or the page stored inline in its value. */
async function findBucket(pages: PageReader, page: Page, name: Buffer): Promise<Page | undefined> {
  if (page.flags & branchFlag) {
    // A branch element's key is its child's first key: the name is under the last one not after it.
    let child: bigint | undefined = page.count > 0 ? page.bytes.readBigUInt64LE(pageHeaderSize + 8) : undefined;
    for (let i = 0; i < page.count; i++) {
      const at = pageHeaderSize + i * elementSize;
      const key = page.bytes.subarray(at + page.bytes.readUInt32LE(at), at + page.bytes.readUInt32LE(at) + page.bytes.readUInt32LE(at + 4));
      if (Buffer.compare(key, name) <= 0) child = page.bytes.readBigUInt64LE(at + 8);
    }
    return child === undefined ? undefined : findBucket(pages, await pages.read(child), name);
  }
  if (!(page.flags & leafFlag)) throw new Error('a bucket page is neither a branch nor a leaf');
  for (let i = 0; i < page.count; i++) {
    const element = leafElement(page, i);
    if (!element.key.equals(name)) continue;
    if (!(element.flags & bucketLeafFlag)) throw new Error(`\`${name.toString()}\` is a value, not a bucket`);
    const root = element.value.readBigUInt64LE(0);
    return root === 0n ? pageOf(Buffer.from(element.value.subarray(16))) : pages.read(root);
  }
  return undefined;
}

/** The largest key under a bucket's root page: always the last element, down the rightmost branch. */
async function lastKey(pages: PageReader, page: Page): Promise<Buffer | undefined> {
  if (page.count === 0) return undefined;
  if (page.flags & branchFlag) {
    const at = pageHeaderSize + (page.count - 1) * elementSize;
    return lastKey(pages, await pages.read(page.bytes.readBigUInt64LE(at + 8)));
  }
  if (!(page.flags & leafFlag)) throw new Error('a key page is neither a branch nor a leaf');
  return leafElement(page, page.count - 1).key;
}

function leafElement(page: Page, index: number): { flags: number; key: Buffer; value: Buffer } {
  const at = pageHeaderSize + index * elementSize;
  const flags = page.bytes.readUInt32LE(at);
  const keyStart = at + page.bytes.readUInt32LE(at + 4);
  const keySize = page.bytes.readUInt32LE(at + 8);
  const valueSize = page.bytes.readUInt32LE(at + 12);
  return {
    flags,
    key: page.bytes.subarray(keyStart, keyStart + keySize),
    value: page.bytes.subarray(keyStart + keySize, keyStart + keySize + valueSize),
  };
}

/** FNV-1a, 64 bits: bbolt's meta page checksum. */
function fnv1a64(bytes: Buffer): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash;
}
