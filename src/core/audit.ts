// The audit log of a case: every write people make (tags, notes, users) and every download of original
// bytes or of a result set, with who did it, when, through which face and from where.
import type { AuditRecord, Store } from '../store/store.ts';

/** A write the case refuses, as a code with its parameters (the faces give its words). */
export class RefusedRequest extends Error {
  readonly code: string;
  readonly params: Record<string, string | number>;
  constructor(code: string, params: Record<string, string | number> = {}) {
    super(code);
    this.code = code;
    this.params = params;
  }
}

/** Who acts: a workbench user (or `local` on a loopback workbench), or the command line's user. */
export interface Actor {
  name: string;
  via: 'web' | 'cli';
  /** The network address of a web request. */
  address?: string | null;
}

export async function recordAudit(
  store: Store,
  actor: Actor,
  action: string,
  itemId: number | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await store.workbench.appendAudit({
    time: new Date().toISOString(),
    user: actor.name,
    via: actor.via,
    address: actor.address ?? null,
    action,
    itemId,
    details,
  });
}

/** The whole log, in order, a page at a time. */
export async function readAudit(store: Store, afterId = 0, limit = 1000): Promise<AuditRecord[]> {
  return store.workbench.readAudit(afterId, limit);
}
