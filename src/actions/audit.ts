import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { defineAction } from './registry.ts';
import { SourceFileInput } from './versions.ts';
import { analyseCsv, formatOf } from '../ingest/pipeline.ts';

export const auditFile = defineAction({
  name: 'file.audit',
  summary: 'Audit a file without storing anything: encoding, dialect, schema, profile, errors, quality score.',
  input: z.object({ file: SourceFileInput }),
  async run(ctx, input, authz) {
    authz.allowAnyone();
    formatOf(input.file.name);
    const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'dataville-audit-'));
    try {
      const { audit } = await analyseCsv(ctx.stores.tables, input.file.path, work, { maxColumns: ctx.config.maxColumns, progress: ctx.progress });
      return audit;
    } finally {
      await fs.promises.rm(work, { recursive: true, force: true });
    }
  },
});
