// A conversation as a person reads it: the thread of a message (or a thread id), in reply order.
import type { ThreadMessage } from '../store/search.ts';
import type { Store } from '../store/store.ts';

export interface ThreadView {
  threadId: number;
  /** Parents before their replies, replies by date; `depth` is the indentation. */
  messages: ThreadMessage[];
}

/** The thread with this id, or the thread of the message with this item id; null when neither. */
export async function threadView(store: Store, id: number): Promise<ThreadView | null> {
  let messages = await store.search.thread(id);
  if (messages.length === 0) {
    const of = await store.search.threadOf(id);
    if (of === null) return null;
    messages = await store.search.thread(of);
  }
  const children = new Map<number | null, ThreadMessage[]>();
  const ids = new Set(messages.map((m) => m.itemId));
  for (const m of messages) {
    const parent = m.parentItemId !== null && ids.has(m.parentItemId) ? m.parentItemId : null;
    const siblings = children.get(parent);
    if (siblings) siblings.push(m);
    else children.set(parent, [m]);
  }
  // Depth first without recursion; messages come from the store in date order.
  const ordered: ThreadMessage[] = [];
  const stack = [...(children.get(null) ?? [])].reverse().map((m) => ({ m, depth: 0 }));
  while (stack.length) {
    const { m, depth } = stack.pop()!;
    ordered.push({ ...m, depth });
    for (const c of [...(children.get(m.itemId) ?? [])].reverse()) stack.push({ m: c, depth: depth + 1 });
  }
  return { threadId: messages[0]!.threadId, messages: ordered };
}
