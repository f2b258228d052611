import type { Command } from 'commander';
import { registerAnalyse } from './analyse.ts';
import { registerAttachments } from './attachments.ts';
import { registerCorrespondents } from './correspondents.ts';
import { registerDemo } from './demo.ts';
import { registerExport } from './export.ts';
import { registerFindings } from './findings.ts';
import { registerIngest } from './ingest.ts';
import { registerItemCommands } from './items.ts';
import { registerKeys } from './keys.ts';
import { registerProof } from './proof.ts';
import { registerReport } from './report.ts';
import { registerSearch } from './search.ts';
import { registerServe } from './serve.ts';
import { registerTags } from './tags.ts';
import { registerThread } from './thread.ts';
import { registerUsers } from './users.ts';
import { registerVerify } from './verify.ts';

/** Each command module exports one function that adds its command to the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerIngest,
  registerItemCommands,
  registerAttachments,
  registerExport,
  registerFindings,
  registerDemo,
  registerVerify,
  registerAnalyse,
  registerKeys,
  registerProof,
  registerReport,
  registerSearch,
  registerServe,
  registerThread,
  registerCorrespondents,
  registerUsers,
  registerTags,
];
