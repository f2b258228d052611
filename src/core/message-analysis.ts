// Parsing plus the analysers that run beside the parser (DKIM/ARC verification): the work the
// ingest hands to worker threads. The analysers are loaded by module URL, so a worker runs
// exactly the ones the main thread chose, with the setup the main thread read from the case.
import type { AnalyseItem, Analyser } from '../analysers/analyser.ts';
import type { AnalysisRequest, MessageAnalysis } from '../ingest/analysis.ts';
import { unescapeMbox } from '../ingest/formats/mbox.ts';
import type { Limits } from '../ingest/limits.ts';
import { parseMessage } from '../mail/parse.ts';
import { sha256Hex } from '../store/blobs.ts';

/** Everything a worker needs, passed once when it starts (structured-cloneable). */
export interface AnalysisSetup {
  limits: Limits;
  /** Analysers to run on every parsed message: the module that exports each, and its setup. */
  analysers: { module: string; setup: unknown }[];
}

export type Analyse = (request: AnalysisRequest) => Promise<MessageAnalysis>;

export async function createAnalyse(setup: AnalysisSetup): Promise<Analyse> {
  const running: { analyser: Analyser; analyse: AnalyseItem }[] = [];
  for (const { module, setup: analyserSetup } of setup.analysers) {
    const analyser = ((await import(module)) as { analyser: Analyser }).analyser;
    running.push({ analyser, analyse: analyser.start(analyserSetup) });
  }
  return async (request) => {
    const sha256 = sha256Hex(request.raw);
    // Parsed with the container's escaping undone (on a copy); analysed on the exact stored bytes.
    const readable = request.transformations.reduce((bytes, t) => unescapeMbox(bytes, t), request.raw);
    const parsed = await parseMessage(readable, setup.limits, request.claimed);
    const partSha256 = parsed.parts.map((part) => sha256Hex(part.bytes));
    // Part ranges were found in the unescaped copy: they are not ranges of the stored bytes.
    if (request.transformations.length > 0)
      for (const part of parsed.parts) part.byteStart = part.byteEnd = null;
    if (!parsed.message) return { sha256, parsed, partSha256, analyses: [] };
    const analyses = [];
    for (const { analyser, analyse } of running) {
      const output = await analyse({
        itemId: null,
        bytes: request.raw,
        type: 'message',
        format: 'eml',
        transformations: request.transformations,
        flags: request.flags,
      });
      analyses.push({ ...output, analyser: analyser.id, version: analyser.version });
    }
    return { sha256, parsed, partSha256, analyses };
  };
}
