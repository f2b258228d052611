// Reading a message (parsing, and whatever else the caller adds, such as verification) is the
// CPU-heavy step of ingest. It goes through this interface so it can run in worker threads while
// the main thread records results in input order.
import { type ParsedMessage, parseMessage } from '../mail/parse.ts';
import type { Limits } from './limits.ts';

export interface MessageAnalysis<Extra = unknown> {
  parsed: ParsedMessage;
  /** What the analyser adds beyond parsing (the verification report), handed to onMessage. */
  extra: Extra | null;
}

export interface AnalysisRequest {
  /** The exact stored bytes. */
  raw: Buffer;
  /** The bytes to parse: raw with the container's reversible transformations undone. */
  readable: Buffer;
  /** The container or the name says this is a message (so "not an email" is a failure). */
  claimed: boolean;
}

export interface MessageAnalyser<Extra = unknown> {
  analyse(request: AnalysisRequest): Promise<MessageAnalysis<Extra>>;
  close(): Promise<void>;
}

/** Parsing only, in the calling thread. */
export class InlineAnalyser implements MessageAnalyser<never> {
  readonly #limits: Limits;
  constructor(limits: Limits) {
    this.#limits = limits;
  }
  async analyse(request: AnalysisRequest): Promise<MessageAnalysis<never>> {
    return { parsed: await parseMessage(request.readable, this.#limits, request.claimed), extra: null };
  }
  async close(): Promise<void> {}
}
