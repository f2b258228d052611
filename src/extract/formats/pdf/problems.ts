// The problems one PDF gives, as codes with parameters (words: report/messages/en/extract-pdf.ts):
// each said once, and at most MAX_PROBLEMS, so a file damaged everywhere cannot flood the result.
import { type Coded, coded, type Params } from '../../../report/catalogue.ts';
import { MAX_PROBLEMS, MAX_STREAM_BYTES } from './limits.ts';
import { StreamError } from './streams.ts';
import { PdfSyntaxError } from './syntax.ts';

export class Problems {
  readonly list: Coded[] = [];
  private readonly seen = new Set<string>();
  private dropped = 0;

  add(code: string, params?: Params): void {
    const key = `${code} ${JSON.stringify(params ?? {})}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.list.length < MAX_PROBLEMS) this.list.push(coded(code, params));
    else this.dropped++;
  }

  /** A failure reading an object (or a stream of it), in words for its kind. */
  failure(error: unknown, object: number | null): void {
    const where = object ?? -1;
    if (error instanceof StreamError) {
      if (error.reason === 'too-large')
        this.add('extract.pdf.stream-too-large', { object: where, limit: MAX_STREAM_BYTES });
      else if (error.reason === 'damaged')
        this.add('extract.pdf.stream-damaged', { object: where, filter: error.filter });
      else this.add('extract.pdf.filter-unsupported', { filter: error.filter });
    } else if (error instanceof PdfSyntaxError) {
      this.add('extract.pdf.object-unreadable', { object: where, reason: error.reason, offset: error.at });
    } else throw error;
  }

  /** The list, with a last problem counting those left out. */
  result(): Coded[] {
    return this.dropped
      ? [...this.list, coded('extract.pdf.more-problems', { count: this.dropped })]
      : this.list;
  }
}
