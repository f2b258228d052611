// Conversations by Jamie Zawinski's threading algorithm (https://www.jwz.org/doc/threading.html):
// References and In-Reply-To link a message to its parents, missing parents stand in as empty
// containers, and threads whose roots share a normalised subject ("Re: Budget", "TR : budget") are
// joined when they are close in time. A thread's id is the smallest item id among its messages, so
// it is the same whatever order the messages came in.
import type { ThreadingInput, ThreadLink } from '../store/search.ts';
import { fold } from './fold.ts';

export interface ThreadingOptions {
  /** Roots with the same subject join one thread when their dates are this close (default 30 days). */
  subjectWindowDays?: number;
}

/** Only the last references count (a hostile header may list thousands). */
const MAX_REFERENCES = 100;

interface Container {
  message: ThreadingInput | null;
  parent: Container | null;
  children: Container[];
}

const REPLY_PREFIX =
  /^\s*(?:\[[^\]]{0,40}\]\s*)?(?:re|fw|fwd|tr|aw|wg|sv|vs|rif|ref|antw|r)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/i;

/** A subject without reply and forward prefixes or a leading [list] tag, folded: what replies share. */
export function normaliseSubject(subject: string | null): { base: string; reply: boolean } {
  let s = subject ?? '';
  let reply = false;
  for (let i = 0; i < 20; i++) {
    const next = s.replace(REPLY_PREFIX, '');
    if (next === s) break;
    reply = true;
    s = next;
  }
  s = s.replace(/^\s*\[[^\]]{0,40}\]\s*/, '');
  return { base: fold(s).replace(/\s+/g, ' ').trim(), reply };
}

const cleanId = (id: string) => id.trim().replace(/^<|>$/g, '').trim();

/** Replies deeper than this start a tree of their own (a hostile chain can be as long as the dump). */
const MAX_DEPTH = 10_000;

/** Whether `maybe` is `of` or above it; a chain deeper than MAX_DEPTH counts as one (no link is made). */
function isAncestor(maybe: Container, of: Container): boolean {
  let n = 0;
  for (let c: Container | null = of; c; c = c.parent) if (c === maybe || ++n > MAX_DEPTH) return true;
  return false;
}

function setParent(child: Container, parent: Container): void {
  if (child === parent || isAncestor(child, parent)) return;
  if (child.parent) child.parent.children.splice(child.parent.children.indexOf(child), 1);
  child.parent = parent;
  parent.children.push(child);
}

export function threadMessages(inputs: ThreadingInput[], options: ThreadingOptions = {}): ThreadLink[] {
  const windowMs = (options.subjectWindowDays ?? 30) * 86_400_000;
  const byId = new Map<string, Container>();
  const container = (id: string): Container => {
    let c = byId.get(id);
    if (!c) {
      c = { message: null, parent: null, children: [] };
      byId.set(id, c);
    }
    return c;
  };
  const all: Container[] = [];
  for (const m of [...inputs].sort((a, b) => a.itemId - b.itemId)) {
    const id = m.messageId ? cleanId(m.messageId) : '';
    // No Message-ID, or one already taken by another content: a container of its own.
    let own = id ? container(id) : null;
    if (!own || own.message) {
      own = { message: null, parent: null, children: [] };
    }
    own.message = m;
    all.push(own);
    const refs = m.references.slice(-MAX_REFERENCES).map(cleanId).filter(Boolean);
    const reply = m.inReplyTo ? cleanId(m.inReplyTo) : '';
    if (reply && refs[refs.length - 1] !== reply) refs.push(reply);
    let previous: Container | null = null;
    for (const ref of refs) {
      const c = container(ref);
      if (previous && !c.parent) setParent(c, previous);
      previous = c;
    }
    if (previous && previous !== own) setParent(own, previous);
  }
  // The roots: every container without a parent that leads to a message.
  // Every root holds a message: containers are only linked under a message's own container chain.
  const roots = [...new Set(all.map(rootOf))];
  const firstMessage = (c: Container): ThreadingInput | null => {
    for (const d of descendants(c)) if (d.container.message) return d.container.message;
    return null;
  };
  const timeOf = (c: Container) => {
    const date = firstMessage(c)?.date;
    const t = date ? Date.parse(date) : Number.NaN;
    return Number.isNaN(t) ? null : t;
  };
  const ordered = roots
    .map((root) => ({ root, time: timeOf(root), first: firstMessage(root)! }))
    .sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity) || a.first.itemId - b.first.itemId);
  // Roots joined by subject: one group per subject, extended while messages keep coming in the window.
  const groups: { members: Container[]; last: number | null }[] = [];
  const bySubject = new Map<string, (typeof groups)[number]>();
  for (const { root, time, first } of ordered) {
    const { base } = normaliseSubject(first.subject);
    const group = base ? bySubject.get(base) : undefined;
    const near = group && (time === null || group.last === null || time - group.last <= windowMs);
    if (group && near) {
      group.members.push(root);
      if (time !== null) group.last = Math.max(group.last ?? time, time);
    } else {
      const fresh = { members: [root], last: time };
      groups.push(fresh);
      if (base) bySubject.set(base, fresh);
    }
  }
  const links: ThreadLink[] = [];
  for (const group of groups) {
    const found: { message: ThreadingInput; parent: number | null; depth: number }[] = [];
    // A root that is a reply to nothing known hangs under the group's first message.
    const head = group.members[0];
    const headId = firstMessage(head!)!.itemId;
    for (const root of group.members) {
      const reply = root !== head && normaliseSubject(firstMessage(root)!.subject).reply;
      for (const d of descendants(root, reply ? headId : null, reply ? 1 : 0))
        if (d.container.message)
          found.push({ message: d.container.message, parent: d.parent, depth: d.depth });
    }
    const threadId = found.reduce((min, f) => Math.min(min, f.message.itemId), Infinity);
    for (const f of found)
      links.push({ itemId: f.message.itemId, threadId, parentItemId: f.parent, depth: f.depth });
  }
  return links.sort((a, b) => a.itemId - b.itemId);
}

/**
 * A container and everything under it, depth first, without recursion (a hostile chain of
 * references can be as deep as the dump is long): each with the nearest message above it and its depth.
 */
function* descendants(
  top: Container,
  parent: number | null = null,
  depth = 0,
): Generator<{ container: Container; parent: number | null; depth: number }> {
  const stack = [{ container: top, parent, depth }];
  while (stack.length) {
    const next = stack.pop()!;
    yield next;
    const { container: c } = next;
    const here = c.message ? c.message.itemId : next.parent;
    const childDepth = c.message ? next.depth + 1 : next.depth;
    for (let i = c.children.length - 1; i >= 0; i--)
      stack.push({ container: c.children[i]!, parent: here, depth: childDepth });
  }
}

/** Links never make a cycle nor a chain deeper than MAX_DEPTH (isAncestor), so this ends. */
function rootOf(c: Container): Container {
  let r = c;
  while (r.parent) r = r.parent;
  return r;
}
