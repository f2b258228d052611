// Reading a message (parsing, and the analysers that run beside the parser, such as verification)
// is the CPU-heavy step of ingest. It goes through this interface so it can run in worker threads
// while the main thread records results in input order.
import type { AnalysisOutput } from '../analysers/analyser.ts';
import type { ParsedMessage } from '../mail/parse.ts';

/** One analyser's output for the message, named. */
export interface NamedAnalysis extends AnalysisOutput {
  analyser: string;
  version: string;
}

export interface MessageAnalysis {
  /** SHA-256 of the raw bytes, computed by the analyser (off the recording thread). */
  sha256: string;
  parsed: ParsedMessage;
  /** SHA-256 of each of `parsed.parts`, in order (hashed off the recording thread too). */
  partSha256: string[];
  /** What the analysers that run beside the parser found (verification…), to store with the message. */
  analyses: NamedAnalysis[];
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
  /** What the place says of the bytes (`rebuilt-from:pst`…): see Entry.flags. */
  flags: string[];
}

export interface MessageAnalyser {
  analyse(request: AnalysisRequest): Promise<MessageAnalysis>;
  close(): Promise<void>;
}
