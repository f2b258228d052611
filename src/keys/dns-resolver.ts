// Live DNS lookups (only with --dns): today's key, which may differ from the one used when the
// message was signed. Records are stamped with the fetch time, source 'dns'.
import { resolveTxt } from 'node:dns/promises';
import type { DnsFailure, KeyLookup, KeyResolver } from './types.ts';

const FAILURES: Record<string, DnsFailure> = {
  ENOTFOUND: 'ENOTFOUND',
  ENODATA: 'ENOTFOUND',
  ETIMEOUT: 'ETIMEOUT',
  ESERVFAIL: 'ESERVFAIL',
};

export class DnsKeyResolver implements KeyResolver {
  readonly #resolve: (name: string) => Promise<string[][]>;
  readonly #now: () => Date;

  constructor(
    resolve: (name: string) => Promise<string[][]> = resolveTxt,
    now: () => Date = () => new Date(),
  ) {
    this.#resolve = resolve;
    this.#now = now;
  }

  async lookup(name: string): Promise<KeyLookup> {
    const fetchedAt = this.#now().toISOString();
    try {
      const answers = await this.#resolve(name);
      return {
        records: answers.map((chunks) => ({
          name: name.toLowerCase(),
          value: chunks.join(''),
          source: 'dns',
          firstSeen: null,
          lastSeen: null,
          fetchedAt,
        })),
        failure: null,
      };
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      return { records: [], failure: FAILURES[code] ?? 'ESERVFAIL' };
    }
  }
}
