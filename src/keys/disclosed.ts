// Keys whose private half was published (some operators do it after rotation, precisely so that
// old signatures stop proving anything). A signature made with such a key proves nothing.

export interface DisclosedKey {
  domain: string;
  selector: string;
  /** When the private key was published (ISO 8601 date). */
  disclosed: string;
  /** Where the publication was seen (URL, note). */
  source: string;
  /** The p= value of the disclosed key, when known: restricts the match to that key. */
  publicKey?: string | null;
}

function pValue(record: string): string | null {
  const m = /(?:^|;)\s*p\s*=([^;]*)/i.exec(record);
  return m ? m[1]!.replace(/\s+/g, '') : null;
}

/** The disclosure that covers this signature's key, or null. */
export function findDisclosure(
  disclosed: DisclosedKey[] | undefined,
  domain: string,
  selector: string,
  recordValue: string | null,
): DisclosedKey | null {
  if (!disclosed?.length) return null;
  const p = recordValue ? pValue(recordValue) : null;
  return (
    disclosed.find(
      (d) =>
        d.domain.toLowerCase() === domain.toLowerCase() &&
        d.selector.toLowerCase() === selector.toLowerCase() &&
        (!d.publicKey || !p || d.publicKey.replace(/\s+/g, '') === p),
    ) ?? null
  );
}
