import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { assertReadableFile, ReadOptionsInput, SourceFileInput } from './versions.ts';
import { analyseFile, formatOf } from '../ingest/pipeline.ts';
import type { AuditReport } from '../quality/types.ts';

export const auditFile = defineAction({
  name: 'file.audit',
  summary: 'Audit a file without storing anything: encoding, dialect, schema, profile, errors, quality score. A workbook with several tables gives the first table\'s report plus `tables` with every one.',
  input: z.object({ file: SourceFileInput }).merge(ReadOptionsInput),
  async run(ctx, input, authz): Promise<AuditReport & { tables?: AuditReport[] }> {
    authz.allowAnyone();
    assertReadableFile(ctx, input.file);
    formatOf(input.file.name);
    const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'dataville-audit-'));
    try {
      const { results } = await analyseFile(ctx.stores.tables, input.file.path, input.file.name, work, {
        maxColumns: ctx.config.maxColumns, progress: ctx.progress, sheet: input.sheet, pointer: input.pointer,
      });
      const reports = results.map((r) => r.audit);
      return reports.length === 1 ? reports[0] : { ...reports[0], tables: reports };
    } finally {
      await fs.promises.rm(work, { recursive: true, force: true });
    }
  },
});
