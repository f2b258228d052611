import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { copyFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Hashes a file without holding it in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

/**
 * Content-addressed storage: each distinct content is stored once under blobs/ab/<sha256> (one level of
 * 256 folders: a second level cost a mkdir for almost every blob of a small case).
 * Writes go to a temporary name and are renamed into place, so a killed run leaves either the
 * whole blob or nothing under its final name.
 */
export class BlobStore {
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
    for (const name of readdirSync(this.tmp)) {
      const pid = Number(name.split('.')[1]);
      if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) continue;
      rmSync(join(this.tmp, name), { force: true });
    }
  }

  #temporaries = 0;
  private temporaryName(sha256: string): string {
    return join(this.tmp, `${sha256}.${process.pid}.${this.#instance}.${this.#temporaries++}`);
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  readonly #writes = new Set<Promise<void>>();
  #failure: unknown = null;

  /**
   * Starts storing bytes whose SHA-256 the caller computed, in the background (libuv's thread
   * pool), so ingest goes on while the disk works. `flush` waits for every write started; callers
   * flush before committing the records that refer to the blobs. Writing content that is already
   * stored (left by a killed run) replaces it with the same bytes.
   */
  put(sha256: string, bytes: Uint8Array): void {
    const write = this.#write(sha256, bytes).catch((err: unknown) => {
      this.#failure ??= err;
    });
    this.#writes.add(write);
    void write.finally(() => this.#writes.delete(write));
  }

  async #write(sha256: string, bytes: Uint8Array): Promise<void> {
    this.ensureDir(sha256);
    const temp = this.temporaryName(sha256);
    await writeFile(temp, bytes, { mode: 0o444 });
    await rename(temp, this.pathOf(sha256));
  }

  /** Waits for every write started by `put`; throws the first failure. */
  async flush(): Promise<void> {
    await Promise.all(this.#writes);
    if (this.#failure !== null) {
      const failure = this.#failure;
      this.#failure = null;
      throw failure;
    }
  }

  /** Copies a file that is too large to hold in memory (its SHA-256 already computed). */
  async putFile(sha256: string, path: string): Promise<boolean> {
    const target = this.pathOf(sha256);
    if (existsSync(target)) return false;
    this.ensureDir(sha256);
    const temp = this.temporaryName(sha256);
    try {
      await copyFile(path, temp);
      renameSync(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return true;
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
    const dir = join(this.root, sha256.slice(0, 2));
    if (this.knownDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.knownDirs.add(dir);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
