import { parseJsonMap } from '../../src/keys/formats/json-map.ts';
import { MemoryKeyResolver } from '../../src/keys/memory-resolver.ts';

/** A resolver over a key map in the corpus format (`name → TXT value(s) | {error}`), read as `crible keys import` reads it. */
export function resolverFromKeyMap(map: Record<string, unknown>, source = 'test'): MemoryKeyResolver {
  const parsed = parseJsonMap(source, map);
  if (parsed.problems.length > 0) throw new Error(`unreadable key map: ${parsed.problems.join('; ')}`);
  return new MemoryKeyResolver(parsed.records, parsed.failures);
}
