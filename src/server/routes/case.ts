// The case as a whole: the dashboard's counts (the report's data, per revision).
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { correspondents } from '../../core/correspondents.ts';
import { buildReport, type ReportData } from '../../core/report.ts';
import type { Store } from '../../store/store.ts';

const anyJson = z.record(z.string(), z.unknown());

export function registerCaseRoutes(app: OpenAPIHono, store: Store): void {
  // The overview is rebuilt when the case changes (an ingest writing beside the server), not per request.
  let cached: { revision: number; data: ReportData } | null = null;
  const overview = async () => {
    const revision = await store.revision();
    if (cached?.revision !== revision) cached = { revision, data: await buildReport(store) };
    return cached.data;
  };
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/case',
      summary: 'The case at a glance: counts per verdict and finding, per week, completeness, custody',
      responses: { 200: { description: 'overview', content: { 'application/json': { schema: anyJson } } } },
    }),
    async (c) => {
      const data = await overview();
      return c.json(
        { ...data, correspondents: (await correspondents(store)).slice(0, 10) } as Record<string, unknown>,
        200,
      );
    },
  );
}
