/**
 * A tiny ZIP writer for tests: standard archives (local headers, central
 * directory, end record, no data descriptors, no Zip64) plus the lies a hostile
 * archive tells (wrong declared size or CRC, encryption flag, symbolic link).
 * Its output is checked against Python's zipfile and Info-ZIP in
 * test/unit/zip.test.ts, so the reader is not only tested against itself.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipWriterEntry {
  /** Written as given (no normalisation), so tests can write hostile names; a trailing '/' makes a directory entry. */
  path: string;
  data: Buffer | string;
  /** 0 stored, 8 deflate (the default for files). */
  method?: 0 | 8;
  /** Uncompressed size to claim in both headers instead of the real one. */
  declaredSize?: number;
  /** CRC-32 to claim instead of the real one. */
  crc?: number;
  /** Sets general-purpose bit 0; the data itself is not encrypted. */
  encrypted?: boolean;
  /** A Unix symbolic link whose target is `data`. */
  symlink?: boolean;
}

const VERSION_UNIX = (3 << 8) | 20;
const DOS_DIRECTORY = 0x10;

export function writeZip(entries: ZipWriterEntry[], comment = ''): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.path, 'utf8');
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const directory = entry.path.endsWith('/');
    const method = entry.method ?? (directory || entry.symlink ? 0 : 8);
    const body = method === 8 ? deflateRawSync(raw) : raw;
    // zlib.crc32 (Node >= 20.15) rather than the reader's own table, so a wrong table cannot pass its own test.
    const crc = entry.crc ?? crc32(raw);
    const size = entry.declaredSize ?? raw.length;
    const flags = (entry.encrypted ? 0x0001 : 0) | (/[^\x20-\x7e]/.test(entry.path) ? 0x0800 : 0);
    const mode = entry.symlink ? 0o120777 : directory ? 0o040755 : 0o100644;
    const external = ((mode << 16) | (directory ? DOS_DIRECTORY : 0)) >>> 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10); // time 00:00:00
    local.writeUInt16LE((2024 - 1980) << 9 | (1 << 5) | 1, 12); // 2024-01-01
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_UNIX, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE((2024 - 1980) << 9 | (1 << 5) | 1, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(external, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const commentBytes = Buffer.from(comment, 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(commentBytes.length, 20);
  return Buffer.concat([...locals, directory, end, commentBytes]);
}
