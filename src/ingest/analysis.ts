// Reading a message (parsing, and whatever else the caller adds, such as verification) is the
// CPU-heavy step of ingest. It goes through this interface so it can run in worker threads while
// the main thread records results in input order.
import type { ParsedMessage } from '../mail/parse.ts';

export interface MessageAnalysis<Extra = unknown> {
  /** SHA-256 of the raw bytes, computed by the analyser (off the recording thread). */
  sha256: string;
  parsed: ParsedMessage;
  /** SHA-256 of each of `parsed.parts`, in order (hashed off the recording thread too). */
  partSha256: string[];
  /** What the analyser adds beyond parsing (the verification report), handed to onMessage. */
  extra: Extra | null;
}

export interface AnalysisRequest {
  /** The exact stored bytes. */
  raw: Buffer;
  /**
   * The container's reversible transformations (an mbox member's unescaping), by name: undone on a
   * copy to parse, and tried first by the verifier.
   */
  transformations: string[];
  /** The container or the name says this is a message (so "not an email" is a failure). */
  claimed: boolean;
}

export interface MessageAnalyser<Extra = unknown> {
  analyse(request: AnalysisRequest): Promise<MessageAnalysis<Extra>>;
  close(): Promise<void>;
}
