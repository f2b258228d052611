// Guards against bombs and pathological input. Every limit hit becomes a `limited` item with the reason.

export interface Limits {
  /** Containers inside containers (zip in tar in zip…), and message/rfc822 inside messages. */
  maxDepth: number;
  /** Entries one archive may list. */
  maxEntries: number;
  /** Bytes one archive may expand to, all entries together. */
  maxExpandedBytes: number;
  /** Expanded size over compressed size for one entry (a zip bomb compresses ~1000:1). */
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
  maxRatio: 200,
  maxEntryBytes: 512 * 1024 ** 2,
  maxMessageBytes: 100 * 1024 ** 2,
  maxMimeParts: 5_000,
  maxHeaderBytes: 1024 ** 2,
};
