// An analyser reads one item's bytes (and what the case knows: keys, the parsed message…) and gives a
// result and findings. Analysers come to the pipeline and to `crible analyse` through the registry
// (index.ts): adding one is adding a module and a line there, never touching the pipeline.
import type { KeyFailure } from '../keys/formats/types.ts';
import type { KeyRecord } from '../keys/types.ts';
import type { AnalysisStatus, Finding, ItemText, ItemType, Store } from '../store/store.ts';

export interface AnalysisInput {
  /** The item, once recorded (null for a message analysed during ingest, before it has an id). */
  itemId: number | null;
  /** The exact stored bytes (empty for an analyser that says it reads none). */
  bytes: Buffer;
  type: ItemType;
  format: string;
  /** The reversible transformations of the place it is read from (an mbox member's unescaping). */
  transformations: string[];
  /** What the place says of the bytes (`rebuilt-from:pst`: not the bytes that were sent…). */
  flags: string[];
}

export interface AnalysisOutput {
  status: AnalysisStatus;
  /** The headline value, indexed for filters and counts (the verdict, for DKIM). */
  summary: string | null;
  /** The full result, serialised once where it was computed (JSON). */
  resultJson: string;
  /** What the result depends on beyond the bytes (`dkim-key:<name>`): a change to one re-runs it. */
  inputs: string[];
  findings: Finding[];
  /** Text read from the item (a document's), for the search index and `crible show`. */
  text?: ItemText | null;
  /** Keys learnt while analysing (live DNS answers), to keep in the case's archive. */
  learntKeys?: { records: KeyRecord[]; failures: KeyFailure[] };
}

export interface AnalyseOptions {
  /** Ask live DNS for keys the archive lacks. */
  dns?: boolean;
  /** Read scans and images with OCR (tesseract), when it is installed. */
  ocr?: boolean;
  /**
   * The time the dump was taken (ISO 8601): documents dated after it are flagged. Kept in the case
   * once given (default: the latest authentic email).
   */
  cutoff?: string;
}

/** Limits for an analyser that reads hostile files with libraries: each item in a worker of its own. */
export interface Isolation {
  /** Wall-clock limit per item: past it the worker is stopped and the item fails with the reason. */
  timeoutMs: number;
  /** Heap limit of the worker: an item that needs more fails alone. */
  memoryMb: number;
}

/** One run's analysis function, built from a setup (in a worker thread, or on the main thread). */
export type AnalyseItem = (input: AnalysisInput) => Promise<AnalysisOutput>;

export interface Analyser<Setup = unknown> {
  /** Stable id, stored with every result (`dkim`). */
  readonly id: string;
  /** A new version re-runs the analyser on everything it accepts. */
  readonly version: string;
  /** The item types it reads. */
  readonly types: ItemType[];
  /**
   * The module that exports this analyser as `analyser`, when it can run in the ingest's worker
   * threads beside the message parser (a URL string). Analysers without one run after ingest.
   */
  readonly module?: string;
  /** Run each item in a worker under these limits (always off the main thread, even for one item). */
  readonly isolation?: Isolation | ((options: AnalyseOptions) => Isolation);
  /**
   * Analysers whose results across the whole case this one reads (the forensic rules read every
   * document's extraction and every message's verdict): when any of them, or the items, changed since
   * this one last ran, it runs again on everything it accepts.
   */
  readonly dependsOn?: readonly string[];
  /**
   * Whether its results carry text for the search index (a document's, read by extract): the index
   * is built beside the analysers that run after the last one that does.
   */
  readonly givesText?: boolean;
  /** False for an analyser that reads only what the case knows of an item, not its bytes (the forensic rules). */
  readonly readsBytes?: boolean;
  /** Whether these options change every result (a new cut-off for the forensic rules): then it runs on everything. */
  optionsChange?(store: Store, options: AnalyseOptions): Promise<boolean>;
  /** What a run needs from the case, read once on the main thread; structured-cloneable (it crosses to workers). */
  setup(store: Store, options: AnalyseOptions): Promise<Setup>;
  /** The analysis function for a run. */
  start(setup: Setup): AnalyseItem;
}
