import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  createReadStream,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from './store.ts';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Hashes a file without holding it in memory. */
export async function sha256File(path: string | Buffer): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

/**
 * Content-addressed storage: each distinct content is stored once under blobs/ab/<sha256> (one level of
 * 256 folders: a second level cost a mkdir for almost every blob of a small case).
 * Bytes in memory are written straight to their final name (see put); file copies go through a
 * temporary name renamed into place. Only the recording thread writes.
 */
export class FileBlobStore implements BlobStore {
  readonly root: string;
  private readonly tmp: string;
  private readonly knownDirs = new Set<string>();
  /** Distinguishes the temporary names of several stores open in one process. */
  readonly #instance = randomBytes(4).toString('hex');

  constructor(root: string) {
    this.root = root;
    this.tmp = join(root, 'tmp');
    mkdirSync(this.tmp, { recursive: true });
    this.removeAbandonedTemporaries();
  }

  /** A killed writer leaves a partial temporary file; it is junk once its process is gone. */
  private removeAbandonedTemporaries(): void {
    for (const entry of readdirSync(this.tmp, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const pid = Number(entry.name.split('.')[1]);
      if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) continue;
      rmSync(join(entry.parentPath, entry.name), { force: true });
    }
  }

  #temporaries = 0;
  private temporaryName(sha256: string): string {
    return join(this.tmp, `${sha256}.${process.pid}.${this.#instance}.${this.#temporaries++}`);
  }

  /** A new temporary file path, for a member spooled to disk while it is read (removed if the run dies). */
  spoolPath(): string {
    return join(this.tmp, `spool.${process.pid}.${this.#instance}.${this.#temporaries++}`);
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /**
   * Stores bytes whose SHA-256 the caller computed, unless already there. Synchronous on purpose:
   * Node's promise-based file calls cost ~2× the CPU per small file on this workload.
   *
   * Written straight to the final name (exclusive create): a temporary and a rename cost about twice
   * the time per blob on this disk. A run killed mid-write can leave a short file there, never a
   * file of the right size with other bytes; the next put of that content sees the size differ and
   * replaces it whole, atomically. The item that names a blob is recorded only after the put.
   */
  put(sha256: string, bytes: Uint8Array): void {
    const target = this.pathOf(sha256);
    this.ensureDir(sha256);
    let fd: number;
    try {
      fd = openSync(target, 'wx', 0o444);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (statSync(target).size !== bytes.length) this.replace(sha256, bytes);
      return;
    }
    try {
      writeAll(fd, bytes);
    } finally {
      closeSync(fd);
    }
  }

  /** Replaces a blob left short by a killed run: written aside, then renamed over it. */
  private replace(sha256: string, bytes: Uint8Array): void {
    const temp = this.temporaryName(sha256);
    writeFileSync(temp, bytes, { mode: 0o444 });
    renameSync(temp, this.pathOf(sha256));
  }

  /**
   * Copies a file that is too large to hold in memory (its SHA-256 already computed). A blob already
   * there is trusted only when its size is right: a killed run's short blob is replaced.
   */
  async putFile(sha256: string, path: string | Buffer): Promise<void> {
    const target = this.pathOf(sha256);
    if (this.isWhole(target, statSync(path).size)) return;
    this.ensureDir(sha256);
    const temp = this.temporaryName(sha256);
    try {
      await copyFile(path, temp);
      chmodSync(temp, 0o444);
      renameSync(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /**
   * Moves a temporary file of this store (a spooled member, whose SHA-256 the caller computed)
   * into place instead of copying it; it is simply removed when the content is already stored.
   */
  adopt(sha256: string, spooled: string): string {
    const target = this.pathOf(sha256);
    if (this.isWhole(target, statSync(spooled).size)) rmSync(spooled, { force: true });
    else {
      this.ensureDir(sha256);
      chmodSync(spooled, 0o444);
      renameSync(spooled, target);
    }
    return target;
  }

  /** Whether a blob is there with the size its content has (a kill can leave only a short one). */
  private isWhole(target: string, size: number): boolean {
    try {
      return statSync(target).size === size;
    } catch {
      return false;
    }
  }

  read(sha256: string): Buffer {
    return readFileSync(this.pathOf(sha256));
  }

  openStream(sha256: string, start?: number, end?: number) {
    return createReadStream(this.pathOf(sha256), {
      ...(start === undefined ? {} : { start }),
      ...(end === undefined ? {} : { end: end - 1 }),
    });
  }

  private ensureDir(sha256: string): void {
    const shard = sha256.slice(0, 2);
    if (this.knownDirs.has(shard)) return;
    mkdirSync(join(this.root, shard), { recursive: true });
    this.knownDirs.add(shard);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
