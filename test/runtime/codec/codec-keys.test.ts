import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyRing, parseKeyFile, parseKeyMaterial } from '../../../runtime/codec/codec-keys.ts';
import { loadCodecKeys } from '../../../runtime/codec/load-codec-keys.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';

const bytes = Buffer.alloc(32, 7);
const dir = makeTempDir('codec-keys');
afterAll(() => {
  dir.remove();
});

describe('parseKeyMaterial', () => {
  it.each([
    ['base64', bytes.toString('base64')],
    ['base64 without padding', bytes.toString('base64').replace(/=+$/, '')],
    ['URL-safe base64', Buffer.alloc(32, 0xfb).toString('base64url')],
    ['hex', bytes.toString('hex')],
    ['hex with a trailing newline', `${bytes.toString('hex')}\n`],
  ])('reads %s', (_, text) => {
    expect(parseKeyMaterial(text, 'k', 'here')).toHaveLength(32);
  });

  it('keeps the bytes of a hex key', () => {
    expect(parseKeyMaterial(bytes.toString('hex'), 'k', 'here').equals(bytes)).toBe(true);
  });

  it('refuses a key of the wrong length, naming its size and how to make one', () => {
    expect(() => parseKeyMaterial(Buffer.alloc(16).toString('base64'), 'old', 'keys.txt line 2')).toThrow(
      'keys.txt line 2: key "old" is 16 bytes; AES-256 needs exactly 32; generate one with `openssl rand -base64 32`',
    );
  });

  it('refuses text that is neither hex nor base64', () => {
    expect(() => parseKeyMaterial('not a key!', 'k', 'here')).toThrow('here: key "k" is neither 64 hex digits nor base64');
  });
});

describe('parseKeyFile', () => {
  it('reads id=key lines, skipping comments and blank lines', () => {
    const keys = parseKeyFile(`# keys\n\n2026-01=${bytes.toString('base64')}\n 2026-02 = ${bytes.toString('hex')} \n`, 'f');
    expect(keys.map((k) => k.id)).toEqual(['2026-01', '2026-02']);
  });

  it('names the line that lacks an id', () => {
    expect(() => parseKeyFile(`a=${bytes.toString('base64')}\n${bytes.toString('base64')}\n`, 'f')).toThrow(
      'f line 2: expected `<key id>=<key>`',
    );
  });

  it('refuses an id that could not travel in metadata', () => {
    expect(() => parseKeyFile(`bad id=${bytes.toString('base64')}`, 'f')).toThrow('f line 1: key id "bad id" is not allowed');
  });
});

describe('keyRing', () => {
  const a = { id: 'a', key: bytes };
  const b = { id: 'b', key: Buffer.alloc(32, 9) };

  it('makes the only key the active one', () => {
    expect(keyRing([a], undefined, 'f').activeId).toBe('a');
  });

  it('uses the named active key', () => {
    expect(keyRing([a, b], 'b', 'f').activeId).toBe('b');
  });

  it('refuses to guess among several keys', () => {
    expect(() => keyRing([a, b], undefined, 'f')).toThrow(
      'f holds several keys (a, b); name the one that encrypts new payloads with CAPSTAN_CODEC_ACTIVE_KEY',
    );
  });

  it('refuses an active key that is not in the set', () => {
    expect(() => keyRing([a, b], 'c', 'f')).toThrow('CAPSTAN_CODEC_ACTIVE_KEY=c is not among the keys in f (a, b)');
  });

  it('refuses an empty set and a repeated id', () => {
    expect(() => keyRing([], undefined, 'f')).toThrow('f holds no keys');
    expect(() => keyRing([a, a], 'a', 'f')).toThrow('f: key "a" appears twice');
  });
});

describe('loadCodecKeys', () => {
  it('reads a key file', () => {
    const file = join(dir.path, 'keys');
    writeFileSync(file, `one=${bytes.toString('base64')}\n`);
    expect([...loadCodecKeys(file).keys.keys()]).toEqual(['one']);
  });

  it('reads a directory laid out like a mounted Secret, ignoring the kubelet entries', () => {
    const secret = join(dir.path, 'secret');
    const data = join(secret, '..2026_12_05_21_00_00.000');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'key-a'), bytes.toString('base64'));
    writeFileSync(join(data, 'key-b'), Buffer.alloc(32, 1).toString('hex'));
    symlinkSync('..2026_12_05_21_00_00.000', join(secret, '..data'));
    symlinkSync('..data/key-a', join(secret, 'key-a'));
    symlinkSync('..data/key-b', join(secret, 'key-b'));
    const ring = loadCodecKeys(secret, 'key-b');
    expect([...ring.keys.keys()].sort()).toEqual(['key-a', 'key-b']);
    expect(ring.activeId).toBe('key-b');
  });

  it('names the file of a bad key in a directory', () => {
    const secret = join(dir.path, 'short');
    mkdirSync(secret);
    writeFileSync(join(secret, 'tiny'), 'AAAA');
    expect(() => loadCodecKeys(secret)).toThrow(`CAPSTAN_CODEC_KEYS=${secret}/tiny: key "tiny" is 3 bytes`);
  });

  it('says when the path cannot be read', () => {
    expect(() => loadCodecKeys(join(dir.path, 'missing'))).toThrow(`CAPSTAN_CODEC_KEYS=${join(dir.path, 'missing')} cannot be read`);
  });
});
