// The case's keys over HTTP: the key hunt (keys the messages need and the archive lacks), and the
// import of a key file someone found, followed by the re-verification `crible verify --case` runs:
// the same core functions as `crible keys import` / `import-disclosed` and `crible verify --case`.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { analyseCase } from '../../core/analyse-case.ts';
import { recordAudit } from '../../core/audit.ts';
import { changeKinds } from '../../core/change-kinds.ts';
import { keyHunt } from '../../core/key-hunt.ts';
import type { Coded } from '../../report/catalogue.ts';
import type { Store } from '../../store/store.ts';
import { importDisclosedFile, importKeyFile } from '../../verify/case-verification.ts';
// The actor each request carries (declared there: the page's type check reads this module too).
import type {} from '../auth.ts';

/** The largest key file the workbench takes (its JSON body is bounded by auth.ts to the same). */
export const KEY_FILE_MAX = 1024 * 1024;
export const KEY_IMPORT_PATH = '/api/keys/import';

const anyJson = z.record(z.string(), z.unknown());
const answer = (description: string) => ({
  description,
  content: { 'application/json': { schema: anyJson } },
});

const KeyFile = z.object({
  kind: z.enum(['keys', 'disclosed']).default('keys'),
  // The name is kept as the records' source (shown beside each key): one line, no control characters.
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\p{Cc}]+$/u, 'a file name on one line, without control characters'),
  text: z.string().min(1).max(KEY_FILE_MAX),
});

/** What an import did, for the page to say in words. */
export interface KeyImportResult {
  kind: 'keys' | 'disclosed';
  file: string;
  /** Entries the file gave (key records and recorded DNS failures, or disclosed keys), and how many were new. */
  found: number;
  added: number;
  /** What in the file could not be read, by line. */
  problems: Coded[];
  /** The re-verification: messages checked again, those that could not be, and verdicts that changed. */
  checked: number;
  failed: number;
  changes: { from: string | null; to: string | null; count: number }[];
}

async function importFile(
  store: Store,
  file: z.infer<typeof KeyFile>,
): Promise<Pick<KeyImportResult, 'found' | 'added' | 'problems'>> {
  if (file.kind === 'disclosed') {
    const result = await importDisclosedFile(store, file.name, file.text);
    return { found: result.keys, added: result.added, problems: result.problems };
  }
  const result = await importKeyFile(store, file.name, file.text);
  return { found: result.records + result.failures, added: result.added, problems: result.problems };
}

export function registerKeyRoutes(app: OpenAPIHono, store: Store): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/keys/missing',
      summary: 'The key hunt: keys the messages need that the archive lacks',
      responses: { 200: answer('keys') },
    }),
    async (c) => c.json((await keyHunt(store)) as unknown as Record<string, unknown>, 200),
  );
  // One import at a time: two re-verifications of the same messages at once would race to record them.
  let previous: Promise<unknown> = Promise.resolve();
  app.openapi(
    createRoute({
      method: 'post',
      path: KEY_IMPORT_PATH,
      summary:
        'Import a key file (as crible keys import) or a list of disclosed keys (as crible keys import-disclosed), then re-verify the messages it can change (as crible verify --case); reviewers and admins',
      request: { body: { content: { 'application/json': { schema: KeyFile } } } },
      responses: {
        200: answer('what was imported and what the re-verification changed'),
        400: answer('the request is refused (the words say why)'),
        413: answer('the file is larger than 1 MB'),
      },
    }),
    async (c) => {
      const file = c.req.valid('json');
      const run = previous.then(async (): Promise<KeyImportResult> => {
        const imported = await importFile(store, file);
        const [verification] = await analyseCase(store, { only: ['dkim'] });
        return {
          kind: file.kind,
          file: file.name,
          ...imported,
          checked: verification!.checked,
          failed: verification!.failed,
          changes: changeKinds(verification!.changed),
        };
      });
      previous = run.catch(() => undefined);
      const result = await run;
      await recordAudit(
        store,
        c.get('actor'),
        file.kind === 'disclosed' ? 'keys.import-disclosed' : 'keys.import',
        null,
        {
          file: file.name,
          found: result.found,
          added: result.added,
          checked: result.checked,
          changed: result.changes.reduce((n, g) => n + g.count, 0),
        },
      );
      return c.json(result as unknown as Record<string, unknown>, 200);
    },
  );
}
