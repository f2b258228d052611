// A message's proof folder (verify/proof.ts writes it), as the faces ask for it: `crible proof`, and
// `crible export --with-proofs` for every authentic message it exports.

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** One file of a proof, read back to be put into an archive (the recheck scripts keep their mode). */
export interface ProofFile {
  name: string;
  bytes: Buffer;
  mode: number;
}

/** A message's proof as files in memory, for a zip (written once to a temporary folder, then removed). */
export async function itemProofFiles(
  store: Store,
  itemId: number,
  keys?: Awaited<ReturnType<typeof caseKeys>>,
): Promise<ProofFile[]> {
  const dir = await mkdtemp(join(tmpdir(), 'crible-proof-'));
  try {
    const proof = await writeItemProof(store, itemId, join(dir, 'proof'), keys);
    const files: ProofFile[] = [];
    for (const name of proof.files) {
      const path = join(proof.dir, name);
      files.push({ name, bytes: await readFile(path), mode: (await stat(path)).mode });
    }
    return files;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The case's keys once, for many proofs. */
export { caseKeys };
