import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileBlobStore as BlobStore, sha256Hex } from '../src/store/blobs.ts';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function store(): BlobStore {
  const root = mkdtempSync(join(tmpdir(), 'crible-blobs-'));
  roots.push(root);
  return new BlobStore(join(root, 'blobs'));
}

describe('blob store', () => {
  const bytes = Buffer.from('Subject: hello\r\n\r\nbody\r\n'.repeat(100));
  const sha = sha256Hex(bytes);

  it('stores bytes under their SHA-256, read-only, and reads them back', () => {
    const blobs = store();
    blobs.put(sha, bytes);
    expect(blobs.read(sha).equals(bytes)).toBe(true);
    expect(statSync(blobs.pathOf(sha)).mode & 0o777).toBe(0o444);
    blobs.put(sha, bytes); // already there: nothing happens
    expect(blobs.read(sha).equals(bytes)).toBe(true);
  });

  it('replaces a blob left short by a killed run', () => {
    const blobs = store();
    const path = blobs.pathOf(sha);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes.subarray(0, 100));
    blobs.put(sha, bytes);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('copies a file, or moves in a spooled one, read-only either way', async () => {
    const blobs = store();
    const source = join(blobs.root, '..', 'source.eml');
    writeFileSync(source, bytes);
    await blobs.putFile(sha, source);
    expect(statSync(blobs.pathOf(sha)).mode & 0o777).toBe(0o444);
    expect(existsSync(source)).toBe(true);

    const other = Buffer.from('another content');
    const spooled = blobs.spoolPath();
    writeFileSync(spooled, other);
    expect(blobs.adopt(sha256Hex(other), spooled)).toBe(blobs.pathOf(sha256Hex(other)));
    expect(existsSync(spooled)).toBe(false);
    expect(statSync(blobs.pathOf(sha256Hex(other))).mode & 0o777).toBe(0o444);
    // already stored: the spooled copy is just removed
    const again = blobs.spoolPath();
    writeFileSync(again, other);
    blobs.adopt(sha256Hex(other), again);
    expect(existsSync(again)).toBe(false);
    expect(blobs.read(sha256Hex(other)).equals(other)).toBe(true);
  });

  it('replaces a short blob a killed run left, when copying a file or adopting a spooled one', async () => {
    const blobs = store();
    const path = blobs.pathOf(sha);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes.subarray(0, 10), { mode: 0o444 });
    const source = join(blobs.root, '..', 'source.eml');
    writeFileSync(source, bytes);
    await blobs.putFile(sha, source);
    expect(readFileSync(path).equals(bytes)).toBe(true);

    rmSync(path);
    writeFileSync(path, bytes.subarray(0, 10), { mode: 0o444 });
    const spooled = blobs.spoolPath();
    writeFileSync(spooled, bytes);
    blobs.adopt(sha, spooled);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(existsSync(spooled)).toBe(false);
  });

  it('refuses a name that is not a SHA-256', () => {
    expect(() => store().put('../../etc/passwd', bytes)).toThrow(/not a SHA-256/);
  });
});

describe('custody log', () => {
  it('skips a torn last line and starts the next line on a line of its own', async () => {
    const { FileCustodyLog } = await import('../src/store/custody-file.ts');
    const root = mkdtempSync(join(tmpdir(), 'crible-custody-'));
    roots.push(root);
    const path = join(root, 'custody.jsonl');
    const line = (p: string) => ({
      path: p,
      kind: 'file' as const,
      sha256: 'a'.repeat(64),
      size: 1,
      counts: { found: 1, ok: 1, failed: 0, limited: 0, duplicates: 0, reasons: [] },
      crible: '0.1.0',
      time: '2026-12-01T00:00:00Z',
    });
    writeFileSync(path, `${JSON.stringify(line('/a'))}\n{"path":"/b","ki`);
    const log = new FileCustodyLog(path);
    expect(log.read().map((l) => l.path)).toEqual(['/a']);
    expect(log.record(line('/c'))).toBe(true);
    expect(log.read().map((l) => l.path)).toEqual(['/a', '/c']);
    expect(readFileSync(path, 'utf8').split('\n')[1]).toBe('{"path":"/b","ki');
  });
});
