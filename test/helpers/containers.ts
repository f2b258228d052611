import type { ContainerEvent } from '../../src/ingest/format.ts';

/** Every event a container yields, and the error it ended with (null when it ended well). */
export async function collect(
  events: AsyncIterable<ContainerEvent>,
): Promise<{ events: ContainerEvent[]; error: Error | null }> {
  const out: ContainerEvent[] = [];
  try {
    for await (const e of events) out.push(e);
  } catch (err) {
    return { events: out, error: err as Error };
  }
  return { events: out, error: null };
}
