/**
 * The ZIP reader for imported certificate bundles: round trips through the
 * test writer and through archives Python's zipfile writes at test time (to a
 * file, and streamed with data descriptors), and each refusal a hostile or
 * damaged archive should meet: path escapes, symbolic links, encryption, Zip64,
 * compression bombs, lying sizes and checksums, truncation and noise.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import { DEFAULT_ZIP_LIMITS, looksLikeZip, readZip, ZipError, type ZipErrorCode, type ZipLimits } from '../../electron/core/certificates/zip';
import { writeZip } from '../support/zip';
import { seededRandom } from '../support/random';

const MiB = 1024 * 1024;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function python(script: string, args: string[] = []): Buffer {
  return execFileSync('python3', ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * MiB });
}

/** Runs `read`, expects a ZipError with `code`, and checks the message reads as one operator-facing sentence. */
function refusal(read: () => unknown, code: ZipErrorCode): ZipError {
  let caught: unknown;
  try {
    read();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ZipError);
  const error = caught as ZipError;
  expect({ code: error.code, message: error.message }).toMatchObject({ code });
  expect(error.message).toMatch(/^[A-Z][^\n]*\.$/);
  expect(error.message.slice(0, -1)).not.toMatch(/\.\s/);
  return error;
}

/** Offset of the index-th central-directory record (archives without a comment). */
function centralAt(zip: Buffer, index: number): number {
  let at = zip.readUInt32LE(zip.length - 22 + 16);
  for (let i = 0; i < index; i++) at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  return at;
}

const prng = seededRandom;

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Vy\n-----END CERTIFICATE-----\n';

function sampleBundle(): Buffer {
  return writeZip([
    { path: 'bundle/', data: '' },
    { path: 'bundle/ca.pem', data: PEM.repeat(20) },
    { path: 'bundle/device/', data: '' },
    { path: 'bundle/device/device.key', data: randomBytes(3000), method: 0 },
    { path: 'bundle/device/device.pem', data: PEM, method: 8 },
    { path: 'README.txt', data: '' },
  ]);
}

describe('looksLikeZip', () => {
  it('recognises a local file header and an empty archive, and nothing else', () => {
    expect(looksLikeZip(sampleBundle())).toBe(true);
    expect(looksLikeZip(writeZip([]))).toBe(true);
    expect(looksLikeZip(Buffer.from(PEM))).toBe(false);
    expect(looksLikeZip(Buffer.from([0x30, 0x82, 0x01, 0x0a]))).toBe(false);
    expect(looksLikeZip(Buffer.from('PK'))).toBe(false);
    expect(looksLikeZip(Buffer.alloc(0))).toBe(false);
  });
});

describe('reading archives', () => {
  it('round-trips stored and deflated entries in nested folders, skipping directories, in order', () => {
    const key = randomBytes(20_000);
    const zip = writeZip([
      { path: 'certs/', data: '' },
      { path: 'certs/ca.pem', data: PEM.repeat(40) },
      { path: 'certs/client/', data: '' },
      { path: 'certs/client/client.key', data: key, method: 0 },
      { path: 'certs/client/client.pem', data: PEM, method: 8 },
      { path: 'certs/client/empty.txt', data: '', method: 8 },
      { path: 'certs/client/empty-stored.txt', data: '', method: 0 },
      { path: 'zertifikate/schlüssel.pem', data: 'ü' },
    ]);
    const entries = readZip(zip);
    expect(entries.map((e) => e.path)).toEqual([
      'certs/ca.pem',
      'certs/client/client.key',
      'certs/client/client.pem',
      'certs/client/empty.txt',
      'certs/client/empty-stored.txt',
      'zertifikate/schlüssel.pem',
    ]);
    expect(entries[0]?.data.toString()).toBe(PEM.repeat(40));
    expect(entries[1]?.data.equals(key)).toBe(true);
    expect(entries[2]?.data.toString()).toBe(PEM);
    expect(entries[3]?.data.length).toBe(0);
    expect(entries[5]?.data.toString()).toBe('ü');
  });

  it('normalises separators and dot segments', () => {
    const zip = writeZip([
      { path: './ca.pem', data: 'a' },
      { path: 'windows\\style\\key.pem', data: 'b' },
      { path: 'a//./b.pem', data: 'c' },
    ]);
    expect(readZip(zip).map((e) => e.path)).toEqual(['ca.pem', 'windows/style/key.pem', 'a/b.pem']);
  });

  it('reads an empty archive, and finds the end record behind a comment that itself contains its signature', () => {
    expect(readZip(writeZip([]))).toEqual([]);
    const zip = writeZip([{ path: 'ca.pem', data: PEM }], 'issued by console PK\x05\x06 (copy)');
    expect(readZip(zip).map((e) => e.path)).toEqual(['ca.pem']);
  });

  it('returns copies that do not alias the archive', () => {
    const zip = writeZip([{ path: 'ca.pem', data: PEM, method: 0 }]);
    const [entry] = readZip(zip);
    zip.fill(0);
    expect(entry?.data.toString()).toBe(PEM);
  });

  it('writes archives that Python zipfile lists, tests and reads identically (the test writer is known-good)', () => {
    const key = randomBytes(5000);
    const zip = writeZip(
      [
        { path: 'certs/', data: '' },
        { path: 'certs/ca.pem', data: PEM.repeat(10) },
        { path: 'certs/key.bin', data: key, method: 0 },
        { path: 'certs/ünïcode.pem', data: PEM },
        { path: 'certs/empty', data: '' },
        { path: 'link.pem', data: 'certs/ca.pem', symlink: true },
      ],
      'a comment',
    );
    const file = join(dir, 'writer.zip');
    writeFileSync(file, zip);
    const report = JSON.parse(
      python(
        [
          'import base64, json, sys, zipfile',
          'with zipfile.ZipFile(sys.argv[1]) as zf:',
          '    out = {"bad": zf.testzip(), "comment": zf.comment.decode(), "entries": [',
          '        [i.filename, i.is_dir(), i.external_attr >> 16, base64.b64encode(zf.read(i)).decode()] for i in zf.infolist()]}',
          'print(json.dumps(out))',
        ].join('\n'),
        [file],
      ).toString(),
    ) as { bad: string | null; comment: string; entries: Array<[string, boolean, number, string]> };
    expect(report.bad).toBeNull();
    expect(report.comment).toBe('a comment');
    expect(report.entries.map(([name, isDir, mode]) => [name, isDir, mode])).toEqual([
      ['certs/', true, 0o040755],
      ['certs/ca.pem', false, 0o100644],
      ['certs/key.bin', false, 0o100644],
      ['certs/ünïcode.pem', false, 0o100644],
      ['certs/empty', false, 0o100644],
      ['link.pem', false, 0o120777],
    ]);
    expect(Buffer.from(report.entries[2]?.[3] ?? '', 'base64').equals(key)).toBe(true);
    expect(Buffer.from(report.entries[3]?.[3] ?? '', 'base64').toString()).toBe(PEM);
  });

  describe('archives written by Python zipfile', () => {
    const files: Record<string, Buffer> = {};

    beforeAll(() => {
      files['ca.pem'] = Buffer.from(PEM.repeat(30));
      files['devices/sensor-01/certificate.pem.crt'] = Buffer.from(PEM);
      files['devices/sensor-01/private.pem.key'] = randomBytes(4000);
      files['devices/sensor-01/raw.bin'] = randomBytes(777);
      files['devices/ünïcode.pem'] = Buffer.from(PEM);
      files['empty.txt'] = Buffer.alloc(0);
      for (const [name, data] of Object.entries(files)) {
        mkdirSync(join(dir, 'src', name, '..'), { recursive: true });
        writeFileSync(join(dir, 'src', name), data);
      }
    });

    const expectFiles = (entries: Array<{ path: string; data: Buffer }>): void => {
      expect(entries.map((e) => e.path).sort()).toEqual(Object.keys(files).sort());
      for (const entry of entries) expect(entry.data.equals(files[entry.path] as Buffer), entry.path).toBe(true);
    };

    it('reads a ZIP_DEFLATED archive with directory entries, a stored member and a comment byte-identically', () => {
      const out = join(dir, 'python.zip');
      python(
        [
          'import os, sys, zipfile',
          'src, out = sys.argv[1], sys.argv[2]',
          'with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:',
          '    zf.comment = b"Downloaded from the cloud console"',
          '    zf.mkdir("empty-folder")',
          '    for root, dirs, names in os.walk(src):',
          '        dirs.sort()',
          '        if root != src: zf.write(root, os.path.relpath(root, src))',
          '        for name in sorted(names):',
          '            path = os.path.join(root, name)',
          '            zf.write(path, os.path.relpath(path, src), compress_type=zipfile.ZIP_STORED if name.endswith(".bin") else None)',
        ].join('\n'),
        [join(dir, 'src'), out],
      );
      const zip = readFileSync(out);
      expect(looksLikeZip(zip)).toBe(true);
      expectFiles(readZip(zip));
    });

    it('reads an archive streamed to a pipe, whose sizes and CRCs sit in data descriptors', () => {
      const zip = python(
        [
          'import os, sys, zipfile',
          'src = sys.argv[1]',
          'with zipfile.ZipFile(sys.stdout.buffer, "w", zipfile.ZIP_DEFLATED) as zf:',
          '    for root, dirs, names in os.walk(src):',
          '        for name in names:',
          '            path = os.path.join(root, name)',
          '            with open(path, "rb") as f: zf.writestr(os.path.relpath(path, src), f.read())',
        ].join('\n'),
        [join(dir, 'src')],
      );
      // Bit 3 of the first local header: the archive really does defer its sizes.
      expect(zip.readUInt16LE(6) & 0x0008).toBe(0x0008);
      expectFiles(readZip(zip));
    });

    it('refuses a symbolic link made the way Python (and Info-ZIP) store one', () => {
      const out = join(dir, 'python-link.zip');
      python(
        [
          'import sys, zipfile',
          'with zipfile.ZipFile(sys.argv[1], "w") as zf:',
          '    zf.writestr("ca.pem", "x")',
          '    info = zipfile.ZipInfo("certs")',
          '    info.create_system = 3',
          '    info.external_attr = 0o120777 << 16',
          '    zf.writestr(info, "/etc")',
        ].join('\n'),
        [out],
      );
      const error = refusal(() => readZip(readFileSync(out)), 'zip_path_escape');
      expect(error.entry).toBe('certs');
      expect(error.message).toMatch(/symbolic link/);
    });
  });
});

describe('path safety', () => {
  it.each([
    ['a parent reference', '../evil.pem'],
    ['an absolute Unix path', '/etc/passwd'],
    ['an absolute Windows path', '\\evil.pem'],
    ['a drive letter', 'C:\\evil'],
    ['a drive-relative path', 'c:evil.pem'],
    ['a UNC path', '\\\\server\\share\\evil.pem'],
    ['a parent reference that climbs out mid-path', 'a/../../b'],
    ['backslash parent references', 'certs\\..\\..\\evil.pem'],
    ['a parent-reference directory entry', '../'],
    ['a NUL byte', 'ca.pem\0../../x'],
  ])('refuses %s (%j), naming the entry', (_label, name) => {
    const zip = writeZip([{ path: 'ok.pem', data: PEM }, { path: name, data: PEM }]);
    const error = refusal(() => readZip(zip), 'zip_path_escape');
    expect(error.entry).toBe(name);
    expect(error.message).toMatch(/points outside the archive; it was refused and nothing was imported\.$/);
    expect(error.message).not.toMatch(/\0/);
  });

  it('names the entry in a message an operator can read', () => {
    const error = refusal(() => readZip(writeZip([{ path: '../../etc/passwd', data: 'root' }])), 'zip_path_escape');
    expect(error.message).toBe('The archive entry ../../etc/passwd points outside the archive; it was refused and nothing was imported.');
  });

  it('refuses a symbolic link entry', () => {
    const zip = writeZip([{ path: 'certs/ca.pem', data: '/etc/ssl/private/server.key', symlink: true }]);
    const error = refusal(() => readZip(zip), 'zip_path_escape');
    expect(error.entry).toBe('certs/ca.pem');
    expect(error.message).toMatch(/is a symbolic link/);
  });

  it('judges every name before decompressing anything', () => {
    // The first entry is both a broken deflate stream and a bomb; the escape after it must still be what is reported.
    const zip = writeZip([
      { path: 'broken.pem', data: PEM },
      { path: 'bomb.bin', data: Buffer.alloc(1000), declaredSize: 100 * MiB },
      { path: '../evil.pem', data: PEM },
    ]);
    zip.fill(0xff, 30 + 'broken.pem'.length, 30 + 'broken.pem'.length + 8);
    expect(refusal(() => readZip(zip), 'zip_path_escape').entry).toBe('../evil.pem');
  });
});

describe('refused formats', () => {
  it('refuses an encrypted entry, telling the operator to extract it first', () => {
    const zip = writeZip([{ path: 'ca.pem', data: PEM }, { path: 'private/device.key', data: PEM, encrypted: true }]);
    const error = refusal(() => readZip(zip), 'zip_encrypted');
    expect(error.entry).toBe('private/device.key');
    expect(error.message).toMatch(/private\/device\.key/);
    expect(error.message).toMatch(/passwords are not supported; extract the archive/);
  });

  it('refuses compression methods other than stored and deflate', () => {
    const zip = writeZip([{ path: 'ca.pem', data: PEM, method: 0 }]);
    zip.writeUInt16LE(12, 8); // bzip2, in the local header
    zip.writeUInt16LE(12, centralAt(zip, 0) + 10); // and in the central directory
    const error = refusal(() => readZip(zip), 'zip_unsupported');
    expect(error.entry).toBe('ca.pem');
    expect(error.message).toMatch(/method 12/);
  });

  it('refuses Zip64 sizes in the central directory', () => {
    const zip = writeZip([{ path: 'ca.pem', data: PEM }]);
    zip.writeUInt32LE(0xffffffff, centralAt(zip, 0) + 24);
    expect(refusal(() => readZip(zip), 'zip_unsupported').message).toMatch(/Zip64/);
  });

  it('refuses an archive with a Zip64 end-of-central-directory locator', () => {
    const plain = writeZip([{ path: 'ca.pem', data: PEM }]);
    const end = plain.length - 22;
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(end), 8);
    locator.writeUInt32LE(1, 16);
    const zip = Buffer.concat([plain.subarray(0, end), locator, plain.subarray(end)]);
    expect(refusal(() => readZip(zip), 'zip_unsupported').message).toMatch(/Zip64/);
  });

  it('refuses the Zip64 entry-count marker before counting entries', () => {
    const zip = writeZip([{ path: 'ca.pem', data: PEM }]);
    zip.writeUInt16LE(0xffff, zip.length - 22 + 8);
    zip.writeUInt16LE(0xffff, zip.length - 22 + 10);
    expect(refusal(() => readZip(zip), 'zip_unsupported').message).toMatch(/Zip64/);
  });
});

describe('size limits', () => {
  const zeros = Buffer.alloc(100 * MiB);

  it('has limits sized for certificate bundles', () => {
    expect(DEFAULT_ZIP_LIMITS).toEqual({ maxEntries: 1000, maxTotalBytes: 64 * MiB, maxEntryBytes: 16 * MiB, maxRatio: 200 });
  });

  it('refuses a deflate bomb from its declared size, without inflating it', () => {
    const started = Date.now();
    const zip = writeZip([{ path: 'ca.pem', data: PEM }, { path: 'bomb.pem', data: zeros }]);
    expect(zip.length).toBeLessThan(200_000);
    const read = Date.now();
    const error = refusal(() => readZip(zip), 'zip_too_large');
    expect(Date.now() - read).toBeLessThan(100);
    expect(error.entry).toBe('bomb.pem');
    expect(error.message).toMatch(/more than 16 MB, the limit for one file/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a deflate bomb that lies about its size, stopping at the limit', () => {
    // 1 GiB of zeros as 1024 byte-aligned copies of one 1 MiB block (~1 MB in all): inflating it
    // whole takes seconds and a gigabyte, so finishing fast shows zlib stopped at the 16 MB cap.
    const block = deflateRawSync(zeros.subarray(0, MiB), { finishFlush: constants.Z_SYNC_FLUSH });
    const stream = Buffer.concat([...Array<Buffer>(1024).fill(block), Buffer.from([0x03, 0x00])]);
    const zip = writeZip([{ path: 'bomb.pem', data: stream, method: 0, declaredSize: stream.length }]);
    zip.writeUInt16LE(8, 8); // the stream is really deflate: say so in both headers
    zip.writeUInt16LE(8, centralAt(zip, 0) + 10);
    const read = Date.now();
    const error = refusal(() => readZip(zip), 'zip_too_large');
    expect(Date.now() - read).toBeLessThan(1000);
    expect(error.entry).toBe('bomb.pem');
    expect(error.message).toMatch(/more than 16 MB, the limit for one file/);
  });

  it('refuses a compression ratio above the limit for entries over 1 MiB, declared or actual', () => {
    const data = zeros.subarray(0, 4 * MiB);
    expect(refusal(() => readZip(writeZip([{ path: 'big.pem', data }])), 'zip_too_large').message).toMatch(/more than 200 times its compressed size/);
    expect(refusal(() => readZip(writeZip([{ path: 'big.pem', data, declaredSize: 10 }])), 'zip_too_large').message).toMatch(/200 times/);
  });

  it('lets small files compress as well as they like', () => {
    const [entry] = readZip(writeZip([{ path: 'padding.pem', data: zeros.subarray(0, MiB) }]));
    expect(entry?.data.length).toBe(MiB);
  });

  it('refuses a total over the limit, from declared and from actual sizes', () => {
    const limits: ZipLimits = { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 100_000 };
    const parts = [0, 1, 2].map((i) => ({ path: `part${i}.bin`, data: randomBytes(40_000) }));
    const declared = refusal(() => readZip(writeZip(parts), limits), 'zip_too_large');
    expect(declared.message).toMatch(/more than 0\.095 MB in total/);
    expect(declared.entry).toBe('part2.bin');
    // Only the entry that crosses the limit lies; an earlier liar would already be reported as damaged.
    const lying = refusal(() => readZip(writeZip(parts.map((p, i) => (i === 2 ? { ...p, declaredSize: 10 } : p))), limits), 'zip_too_large');
    expect(lying.message).toMatch(/in total/);
    expect(lying.entry).toBe('part2.bin');
  });

  it('treats a lying declared size within the limits as damage', () => {
    const error = refusal(() => readZip(writeZip([{ path: 'ca.pem', data: PEM, declaredSize: 10 }])), 'zip_malformed');
    expect(error.entry).toBe('ca.pem');
    const stored = refusal(() => readZip(writeZip([{ path: 'ca.pem', data: PEM, method: 0, declaredSize: 10 }])), 'zip_malformed');
    expect(stored.entry).toBe('ca.pem');
  });

  it('refuses too many entries, and accepts exactly the limit', () => {
    const entries = Array.from({ length: 1001 }, (_, i) => ({ path: `certs/${i}.pem`, data: 'x', method: 0 as const }));
    expect(refusal(() => readZip(writeZip(entries)), 'zip_too_large').message).toMatch(/1001 entries, more than the 1000 allowed/);
    expect(readZip(writeZip(entries.slice(0, 1000)))).toHaveLength(1000);
  });
});

describe('damaged archives', () => {
  it('refuses a CRC mismatch, naming the entry', () => {
    const error = refusal(() => readZip(writeZip([{ path: 'ca.pem', data: PEM, crc: 0x12345678 }])), 'zip_malformed');
    expect(error.entry).toBe('ca.pem');
    expect(error.message).toMatch(/checksum/);
  });

  it('refuses a corrupted deflate stream', () => {
    const zip = writeZip([{ path: 'ca.pem', data: PEM }]);
    zip.fill(0xff, 30 + 6, 30 + 6 + 4);
    expect(refusal(() => readZip(zip), 'zip_malformed').entry).toBe('ca.pem');
  });

  it('refuses a local header that names another file than the central directory', () => {
    const zip = writeZip([{ path: 'ca.pem', data: PEM }]);
    zip.write('ev', 30);
    expect(refusal(() => readZip(zip), 'zip_malformed').entry).toBe('ca.pem');
  });

  it('refuses every truncation of an archive', () => {
    const zip = writeZip([{ path: 'certs/', data: '' }, { path: 'certs/ca.pem', data: PEM }, { path: 'k.key', data: PEM, method: 0 }], 'comment');
    for (let length = 0; length < zip.length; length++) refusal(() => readZip(zip.subarray(0, length)), 'zip_malformed');
  });

  it('refuses random bytes, with or without a ZIP signature in front', () => {
    const random = prng(1);
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 600) }, () => Math.floor(random() * 256)));
      if (i % 2 === 0 && bytes.length >= 4) bytes.writeUInt32LE(0x04034b50, 0);
      refusal(() => readZip(bytes), 'zip_malformed');
    }
  });

  it('throws only ZipError, never a RangeError, whatever bytes of a real archive are changed', () => {
    const base = sampleBundle();
    const random = prng(2);
    for (let i = 0; i < 3000; i++) {
      const zip = Buffer.from(base);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(random() * zip.length);
        // Header fields are mostly 0x00/0xff-sensitive; mix random values with the extremes.
        zip[at] = random() < 0.3 ? 0xff : random() < 0.5 ? 0 : Math.floor(random() * 256);
      }
      try {
        readZip(zip);
      } catch (error) {
        if (!(error instanceof ZipError)) throw new Error(`mutation ${i} threw ${String(error)}`);
      }
    }
  });
});
