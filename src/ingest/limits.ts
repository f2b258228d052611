// Guards against bombs and pathological input. Every limit hit becomes a `limited` item with the reason.

export interface Limits {
  /** Containers inside containers (zip in tar in zip…), and message/rfc822 inside messages. */
  maxDepth: number;
  /** Entries one archive may list. */
  maxEntries: number;
  /** Bytes one archive may expand to, all entries together. */
  maxExpandedBytes: number;
  /**
   * Expanded size over compressed size for one entry, past RATIO_FLOOR_BYTES of output. Not a bomb
   * detector on its own: ordinary data compresses far beyond any ratio a bomb needs (measured: an mbox
   * of HTML newsletters 2,754:1 with xz, a zero-filled image 1,029:1 with gzip and 6,778:1 with xz).
   * The default sits above deflate's maximum (~1,032:1) and xz's on zeros, so it flags only the
   * extreme (bzip2 of long zero runs reaches 700,000:1); the bounds on bombs are maxEntryBytes and
   * maxExpandedBytes, one budget for a file and everything nested in it.
   */
  maxRatio: number;
  /** Largest single entry kept in memory for reading; larger ones are stored but not read further. */
  maxEntryBytes: number;
  /** Largest message parsed as MIME; larger ones are stored raw and marked limited. */
  maxMessageBytes: number;
  /** MIME parts one message may have before parsing stops. */
  maxMimeParts: number;
  /** Bytes of one message's header block. */
  maxHeaderBytes: number;
}

export const defaultLimits: Limits = {
  maxDepth: 8,
  maxEntries: 100_000,
  maxExpandedBytes: 8 * 1024 ** 3,
  maxRatio: 10_000,
  maxEntryBytes: 512 * 1024 ** 2,
  maxMessageBytes: 100 * 1024 ** 2,
  maxMimeParts: 5_000,
  maxHeaderBytes: 1024 ** 2,
};
