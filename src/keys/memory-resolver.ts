// A KeyResolver over records already in memory (key archive files, a case's key list).
import type { DnsFailure, KeyLookup, KeyRecord, KeyResolver } from './types.ts';

export class MemoryKeyResolver implements KeyResolver {
  readonly #records = new Map<string, KeyRecord[]>();
  readonly #failures = new Map<string, DnsFailure>();

  constructor(records: KeyRecord[] = [], failures: { name: string; failure: DnsFailure }[] = []) {
    this.add(records, failures);
  }

  add(records: KeyRecord[], failures: { name: string; failure: DnsFailure }[] = []): void {
    for (const r of records) {
      const name = normaliseName(r.name);
      const list = this.#records.get(name) ?? [];
      if (!list.some((x) => x.value === r.value && x.source === r.source)) list.push(r);
      this.#records.set(name, list);
    }
    for (const f of failures) this.#failures.set(normaliseName(f.name), f.failure);
  }

  async lookup(name: string): Promise<KeyLookup> {
    const n = normaliseName(name);
    return { records: this.#records.get(n) ?? [], failure: this.#failures.get(n) ?? null };
  }
}

export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
