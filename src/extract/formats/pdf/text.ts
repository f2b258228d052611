// The text layer, read from the pages' content streams (ISO 32000 §9.4): strings shown by Tj, TJ, '
// and " in the font set by Tf, decoded by fonts.ts; a line break where the text moves to another line
// (Td/TD with a vertical move, T*, Tm to another baseline, ' and "), a space for a wide TJ gap. Form
// XObjects are read where they are drawn (to MAX_FORM_DEPTH, each once per page); inline image data is
// skipped. We read it ourselves rather than through pdf.js: pdf.js reads about 1 MB/s of text PDF here
// (it lays out glyphs for rendering), this reader is a single pass over the decoded bytes; the test
// compares the two on every PDF it has.
import { nameOf, type Page, type PdfDocument } from './document.ts';
import { type FontDecoder, fontDecoder, showText } from './fonts.ts';
import { MAX_FORM_DEPTH } from './limits.ts';
import type { TextSink } from './sink.ts';
import {
  closeOf,
  type Dict,
  endsToken,
  isEscaped,
  isWhite,
  literalStringEnd,
  Parser,
  type PdfStream,
  Ref,
  readHexString,
  readLiteralString,
} from './syntax.ts';

export interface PageText {
  /** The page shows characters other than spaces. */
  hasText: boolean;
  /** One of its images (XObject or inline) covers at least half the page (a scan, or made to look like one). */
  fullPageImage: boolean;
}

/** Share of the page an image must cover to count as a full-page image. */
const FULL_PAGE = 0.5;

/** The current transformation matrix [a b c d e f] (ISO 32000 §8.3.4); `m` applied before `ctm`. */
type Matrix = readonly number[];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];
function multiply(m: Matrix, ctm: Matrix): Matrix {
  const [a, b, c, d, e, f] = m as number[];
  const [A, B, C, D, E, F] = ctm as number[];
  return [
    a! * A! + b! * C!,
    a! * B! + b! * D!,
    c! * A! + d! * C!,
    c! * B! + d! * D!,
    e! * A! + f! * C! + E!,
    e! * B! + f! * D! + F!,
  ];
}

/** Wide enough a TJ adjustment (thousandths of text space) to be a word gap. */
const WORD_GAP = 180;

interface FormState {
  fullPageImage: boolean;
  pageArea: number;
  forms: Set<number>;
}

/** Reads the text of pages of one revision into a sink, sharing font decoders between pages. */
export class TextReader {
  private readonly doc: PdfDocument;
  private readonly rev: number;
  private readonly fonts = new Map<Dict, FontDecoder>();

  constructor(doc: PdfDocument, rev: number) {
    this.doc = doc;
    this.rev = rev;
  }

  private decoder(resources: Dict | null, name: string): FontDecoder | null {
    const font = this.doc.dict(this.doc.dict(resources?.get('Font'), this.rev)?.get(name), this.rev);
    if (!font) return null;
    let decoder = this.fonts.get(font);
    if (!decoder) {
      decoder = fontDecoder(this.doc, font, this.rev);
      if (decoder.unmapped) this.doc.problems.add('extract.pdf.font-unmapped', { font: decoder.name });
      this.fonts.set(font, decoder);
    }
    return decoder;
  }

  page(page: Page, sink: TextSink): PageText {
    const visible = sink.visible;
    const state = { fullPageImage: false, pageArea: page.area, forms: new Set<number>() };
    const contents = page.dict.get('Contents');
    const list = Array.isArray(this.doc.resolve(contents, this.rev))
      ? this.doc.array(contents, this.rev)
      : [contents];
    for (const item of list) {
      const stream = this.doc.stream(item, this.rev);
      const data = stream && this.doc.decoded(stream, item instanceof Ref ? item.num : null);
      if (data) this.run(data, page.resources, 0, sink, state, IDENTITY);
    }
    return { hasText: sink.visible > visible, fullPageImage: state.fullPageImage };
  }

  private form(
    stream: PdfStream,
    num: number | null,
    parent: Dict | null,
    depth: number,
    sink: TextSink,
    state: FormState,
    ctm: Matrix,
  ) {
    if (depth >= MAX_FORM_DEPTH) return;
    if (num !== null) {
      if (state.forms.has(num)) return;
      state.forms.add(num);
    }
    const data = this.doc.decoded(stream, num);
    const resources = this.doc.dict(stream.dict.get('Resources'), this.rev) ?? parent;
    const matrix = this.doc.array(stream.dict.get('Matrix'), this.rev);
    const own =
      matrix.length === 6 && matrix.every((v) => typeof v === 'number') ? (matrix as number[]) : IDENTITY;
    if (data) this.run(data, resources, depth + 1, sink, state, multiply(own, ctm));
  }

  private run(
    data: Buffer,
    resources: Dict | null,
    depth: number,
    sink: TextSink,
    state: FormState,
    startCtm: Matrix,
  ): void {
    // Strings at the top level of a content stream are only ever text operands (Tj, TJ, ', "), so each
    // goes to the sink as soon as it is read, in the current font; a word gap inside a TJ array too.
    // The stack keeps numbers only (NaN for other operands); names are needed only as the last one.
    const stack: number[] = [];
    let arrays = 0;
    let font: FontDecoder | null = null;
    let nameStart = 0;
    let nameEnd = 0;
    const lastName = () => data.toString('latin1', nameStart, nameEnd);
    let lineY: number | null = null;
    let stringStart = sink.length;
    let ctm = startCtm;
    const saved: Matrix[] = [];
    const image = () => {
      // An image fills the unit square: its area on the page is the determinant of the CTM.
      if (Math.abs(ctm[0]! * ctm[3]! - ctm[1]! * ctm[2]!) >= FULL_PAGE * state.pageArea)
        state.fullPageImage = true;
    };
    const n = data.length;
    let i = 0;
    while (i < n) {
      const c = data[i]!;
      if (isWhite(c)) {
        i++;
        continue;
      }
      try {
        if (c === 0x28 || (c === 0x3c && data[i + 1] !== 0x3c)) {
          stringStart = sink.length;
          const packed = c === 0x28 ? literalStringEnd(data, i) : -1;
          if (packed >= 0 && !isEscaped(packed)) {
            // No escapes: shown straight from the content stream's bytes.
            const close = closeOf(packed);
            if (font && !font.unmapped) showText(font, data, i + 1, close, sink);
            i = close + 1;
          } else {
            const s = c === 0x28 ? readLiteralString(data, i) : readHexString(data, i);
            if (font && !font.unmapped) showText(font, s.bytes, 0, s.bytes.length, sink);
            i = s.next;
          }
          stack.push(Number.NaN);
          continue;
        }
        if (c === 0x3c) {
          const p = new Parser(data, i);
          p.readValue();
          i = p.pos;
          stack.push(Number.NaN);
          continue;
        }
      } catch {
        break;
      }
      if (c === 0x5b) {
        arrays++;
        i++;
        continue;
      }
      if (c === 0x5d) {
        if (arrays > 0) arrays--;
        stack.push(Number.NaN);
        i++;
        continue;
      }
      if (c === 0x25) {
        while (i < n && data[i] !== 0x0a && data[i] !== 0x0d) i++;
        continue;
      }
      let j = i + 1;
      if (c === 0x2f) {
        while (j < n && !endsToken(data[j])) j++;
        nameStart = i + 1;
        nameEnd = j;
        stack.push(Number.NaN);
        i = j;
        continue;
      }
      if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e) {
        const number = readNumber(data, i);
        if (arrays > 0) {
          if (number.value < -WORD_GAP) sink.space();
        } else stack.push(number.value);
        i = number.next;
        continue;
      }
      if (c === 0x29 || c === 0x3e || c === 0x7b || c === 0x7d) {
        i++;
        continue;
      }
      while (j < n && !endsToken(data[j])) j++;
      const op = j - i === 1 ? c : j - i === 2 ? c * 256 + data[i + 1]! : -1;
      i = j;
      switch (op) {
        case OP_QUOTE:
        case OP_DOUBLE_QUOTE:
          sink.newlineBefore(stringStart);
          break;
        case OP_Td:
        case OP_TD: {
          const ty = stack.at(-1) ?? 0;
          const tx = stack.at(-2) ?? 0;
          if (Math.abs(ty) > 0.01) sink.newline();
          else if (tx > 0) sink.space();
          break;
        }
        case OP_TSTAR:
          sink.newline();
          break;
        case OP_Tm: {
          const y = stack.at(-1);
          if (y !== undefined && !Number.isNaN(y)) {
            if (lineY !== null && Math.abs(y - lineY) > 0.01) sink.newline();
            lineY = y;
          }
          break;
        }
        case OP_BT:
          lineY = null;
          break;
        case OP_ET:
          sink.space();
          break;
        case OP_Tf:
          font = this.decoder(resources, lastName());
          break;
        case OP_Do: {
          const ref = this.doc.dict(resources?.get('XObject'), this.rev)?.get(lastName());
          const xobject = this.doc.stream(ref, this.rev);
          const subtype = xobject && nameOf(xobject.dict.get('Subtype'));
          if (subtype === 'Image') image();
          else if (subtype === 'Form')
            this.form(xobject!, ref instanceof Ref ? ref.num : null, resources, depth, sink, state, ctm);
          break;
        }
        case OP_BI:
          image();
          i = skipInlineImage(data, i);
          break;
        case OP_q:
          if (saved.length < MAX_SAVED_STATES) saved.push(ctm);
          break;
        case OP_Q:
          ctm = saved.pop() ?? ctm;
          break;
        case OP_cm:
          if (stack.length >= 6 && stack.slice(-6).every((v) => !Number.isNaN(v)))
            ctm = multiply(stack.slice(-6), ctm);
          break;
      }
      stack.length = 0;
      arrays = 0;
    }
  }
}

const op2 = (s: string) => s.charCodeAt(0) * 256 + s.charCodeAt(1);
const OP_Td = op2('Td');
const OP_TD = op2('TD');
const OP_TSTAR = op2('T*');
const OP_Tm = op2('Tm');
const OP_BT = op2('BT');
const OP_ET = op2('ET');
const OP_Tf = op2('Tf');
const OP_Do = op2('Do');
const OP_BI = op2('BI');
const OP_cm = op2('cm');
const OP_q = 0x71;
const OP_Q = 0x51;
/** Graphics states saved with q and not yet restored (a bound on a stream of a million `q`). */
const MAX_SAVED_STATES = 1024;
const OP_QUOTE = 0x27;
const OP_DOUBLE_QUOTE = 0x22;

/** A number token at `i` (`12`, `-3.5`, `.5`); a malformed one reads as 0. */
function readNumber(data: Buffer, i: number): { value: number; next: number } {
  let sign = 1;
  let c = data[i]!;
  if (c === 0x2d || c === 0x2b) {
    if (c === 0x2d) sign = -1;
    c = data[++i] ?? 0;
  }
  let value = 0;
  while (c >= 0x30 && c <= 0x39) {
    value = value * 10 + c - 0x30;
    c = data[++i] ?? 0;
  }
  if (c === 0x2e) {
    let scale = 0.1;
    c = data[++i] ?? 0;
    while (c >= 0x30 && c <= 0x39) {
      value += (c - 0x30) * scale;
      scale /= 10;
      c = data[++i] ?? 0;
    }
  }
  while (i < data.length && !endsToken(data[i])) i++;
  return { value: sign * value, next: i };
}

/** The offset after an inline image's `EI`, from just after its `BI`. */
function skipInlineImage(data: Buffer, from: number): number {
  let at = data.indexOf('ID', from, 'latin1');
  if (at < 0) return data.length;
  at += 2;
  for (;;) {
    const ei = data.indexOf('EI', at, 'latin1');
    if (ei < 0) return data.length;
    if (isWhite(data[ei - 1] ?? 0x20) && endsToken(data[ei + 2])) return ei + 2;
    at = ei + 2;
  }
}
