// A message's proof folder (verify/proof.ts writes it), as the faces ask for it: `crible proof`, and
// `crible export --with-proofs` for every authentic message it exports.

import type { Store } from '../store/store.ts';
import { caseKeys } from '../verify/case-verification.ts';
import { keysUsed, verifyMessage } from '../verify/message.ts';
import { type ProofFiles, writeProof } from '../verify/proof.ts';
import type { Verdict } from '../verify/types.ts';

/** Why an item has no proof: not a message of the case, or no bytes were stored. */
export class NoProofError extends Error {}

export async function writeItemProof(
  store: Store,
  itemId: number,
  outDir: string,
  keys?: Awaited<ReturnType<typeof caseKeys>>,
): Promise<ProofFiles & { verdict: Verdict }> {
  const item = await store.getItem(itemId);
  if (item?.type !== 'message') throw new NoProofError(`item ${itemId} is not a message of this case`);
  if (!item.sha256) throw new NoProofError(`item ${itemId} has no stored bytes`);
  const raw = store.blobs.read(item.sha256);
  // Verified afresh from the stored bytes and the case's archive, so the proof shows the checks it describes.
  const verification = await verifyMessage(raw, keys ?? (await caseKeys(store)));
  const written = await writeProof(outDir, raw, verification, keysUsed(verification));
  return { ...written, verdict: verification.verdict };
}

/** The case's keys once, for many proofs. */
export { caseKeys };
