// The key archive as a resolver, optionally completed by live DNS. What DNS returns is kept, with
// its fetch time, so the caller can save it into the case and the result stays reproducible offline.
import type { KeyFailure } from './formats/types.ts';
import { MemoryKeyResolver } from './memory-resolver.ts';
import type { KeyLookup, KeyRecord, KeyResolver } from './types.ts';

export class ArchiveKeyResolver implements KeyResolver {
  readonly #archive: MemoryKeyResolver;
  readonly #live: KeyResolver | null;
  #fetched: { records: KeyRecord[]; failures: KeyFailure[] } = { records: [], failures: [] };

  constructor(records: KeyRecord[], failures: KeyFailure[], live: KeyResolver | null) {
    this.#archive = new MemoryKeyResolver(records, failures);
    this.#live = live;
  }

  readonly #asked = new Set<string>();

  /** Archived records first; with live DNS, what the name publishes today is added (asked once per name). */
  async lookup(name: string): Promise<KeyLookup> {
    const key = name.toLowerCase();
    if (this.#live && !this.#asked.has(key)) {
      this.#asked.add(key);
      const live = await this.#live.lookup(name);
      const failures = live.failure ? [{ name, failure: live.failure }] : [];
      this.#archive.add(live.records, failures);
      this.#fetched.records.push(...live.records);
      this.#fetched.failures.push(...failures);
    }
    return this.#archive.lookup(name);
  }

  /** What live DNS returned since the last call. */
  takeFetched(): { records: KeyRecord[]; failures: KeyFailure[] } {
    const fetched = this.#fetched;
    this.#fetched = { records: [], failures: [] };
    return fetched;
  }
}
