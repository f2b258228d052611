// Where the text goes as it is read: UTF-16 code units in one growing array, turned into a string
// once at the end (building it from millions of small strings cost more than reading the PDF).
// Past `limit` units nothing more is kept, but visible characters are still counted, so a page's
// having text is known even when the text itself is not wanted.

const SPACE = 0x20;
const NEWLINE = 0x0a;

export class TextSink {
  private units: Uint16Array;
  length = 0;
  /** Non-space characters shown so far, kept or not. */
  visible = 0;
  /** More text was shown than `limit` allows. */
  cut = false;
  private readonly limit: number;

  /** `expected`: about how many units will come (the array starts that large, within the limit). */
  constructor(limit: number, expected = 1 << 16) {
    this.limit = limit;
    this.units = new Uint16Array(Math.max(16, Math.min(limit, expected)));
  }

  /** Makes room for up to `extra` more units: how many fit (fewer at the limit, which marks the cut). */
  private room(extra: number): number {
    const fits = Math.min(extra, this.limit - this.length);
    if (fits < extra) this.cut = true;
    if (this.length + fits > this.units.length) {
      const grown = new Uint16Array(
        Math.min(this.limit, Math.max(this.units.length * 2, this.length + fits)),
      );
      grown.set(this.units.subarray(0, this.length));
      this.units = grown;
    }
    return fits;
  }

  /**
   * Bytes `start` to `end` whose characters are their Latin-1 values, as long as `plain` says so for each
   * byte: returns where it stopped (the caller decodes the rest another way).
   */
  latin(bytes: Buffer, start: number, end: number, plain: Uint8Array): number {
    const fits = this.room(end - start);
    const units = this.units;
    const at = this.length;
    let visible = 0;
    let i = start;
    for (; i < end; i++) {
      const b = bytes[i]!;
      if (plain[b] === 0) break;
      if (b > SPACE) visible++;
    }
    const taken = Math.min(i - start, fits);
    for (let k = 0; k < taken; k++) units[at + k] = bytes[start + k]!;
    this.length = at + taken;
    this.visible += visible;
    return i;
  }

  text(s: string): void {
    const n = s.length;
    for (let i = 0; i < n; i++) if (s.charCodeAt(i) > SPACE) this.visible++;
    const fits = this.room(n);
    for (let i = 0; i < fits; i++) this.units[this.length++] = s.charCodeAt(i);
  }

  private last(): number {
    return this.length ? this.units[this.length - 1]! : NEWLINE;
  }

  space(): void {
    const last = this.last();
    if (last !== SPACE && last !== NEWLINE && this.room(1) === 1) this.units[this.length++] = SPACE;
  }

  newline(): void {
    if (this.last() === SPACE) this.length--;
    if (this.last() !== NEWLINE && this.room(1) === 1) this.units[this.length++] = NEWLINE;
  }

  /** A line break inserted before the units from `at` on (for ' and ", whose string comes first). */
  newlineBefore(at: number): void {
    if (at === this.length) {
      this.newline();
      return;
    }
    const before = at > 0 ? this.units[at - 1]! : NEWLINE;
    if (before === NEWLINE || this.room(1) !== 1) return;
    this.units.copyWithin(at + 1, at, this.length);
    this.units[at] = NEWLINE;
    this.length++;
  }

  /** A blank line between pages. */
  pageBreak(): void {
    this.newline();
    if (this.length && this.room(1) === 1) this.units[this.length++] = NEWLINE;
  }

  toString(): string {
    let end = this.length;
    while (end > 0 && (this.units[end - 1] === SPACE || this.units[end - 1] === NEWLINE)) end--;
    let start = 0;
    while (start < end && (this.units[start] === SPACE || this.units[start] === NEWLINE)) start++;
    return Buffer.from(this.units.buffer, this.units.byteOffset + start * 2, (end - start) * 2).toString(
      'utf16le',
    );
  }
}
