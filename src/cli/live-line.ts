// One line rewritten in place on a terminal (stderr) while a command works: what it is doing and how
// far it has got. Nothing is written when stderr is not a terminal (a pipe, a log file).
import type { AnalysisProgress } from '../core/analyse-case.ts';

export class LiveLine {
  private shown = false;
  private readonly tty: boolean;

  constructor(tty = process.stderr.isTTY === true) {
    this.tty = tty;
  }

  show(line: string): void {
    if (!this.tty) return;
    // Cut to the terminal's width, so the line never wraps (a terminal of unknown size: not cut).
    const columns = process.stderr.columns || Number.POSITIVE_INFINITY;
    process.stderr.write(`\r\x1b[K${line.length >= columns ? `${line.slice(0, columns - 2)}…` : line}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

/** What each step of an analysis run is called on the line. */
const STEPS: Record<string, string> = {
  dkim: 'checking signatures',
  extract: 'reading documents',
  forensics: 'forensic rules',
  index: 'search index',
};

/**
 * The steps of an analysis run under way, each with its count: "reading documents 1200 of 4160 ·
 * search index 12000 of 24160". The forensic rules first compare the documents' texts across the
 * case, which takes a while before any document is done: said so.
 */
export function analysisLine(steps: Iterable<AnalysisProgress>): string {
  const parts: string[] = [];
  for (const { step, done, total } of steps) {
    if (done >= total) continue;
    const name = STEPS[step] ?? step;
    parts.push(
      step === 'forensics' && done === 0
        ? `${name}: comparing the documents' texts…`
        : `${name} ${done} of ${total}`,
    );
  }
  return parts.length ? parts.join(' · ') : 'finishing…';
}

/** The live line of an analysis run, fed with its progress reports. */
export class AnalysisLine {
  private readonly steps = new Map<string, AnalysisProgress>();
  private readonly line: LiveLine;

  constructor(line = new LiveLine()) {
    this.line = line;
  }

  update(progress: AnalysisProgress): void {
    this.steps.set(progress.step, progress);
    this.line.show(analysisLine(this.steps.values()));
  }

  clear(): void {
    this.line.clear();
  }
}
