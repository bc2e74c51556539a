import type { Config } from '../config.ts';
import { openApp } from '../app.ts';
import { stderrLogger } from '../context.ts';
import { buildServer } from '../http/server.ts';
import { seedDemo } from '../demo/seed.ts';
import { callAction } from '../actions/registry.ts';
import { sweepVersions } from '../actions/maintenance.ts';
import { parseFlags } from './main.ts';

/** Starts the portal; with --demo, seeds a demo commune on first start (empty catalog). */
export async function serveCommand(config: Config, args: string[]) {
  const { values } = parseFlags(args, { port: { type: 'string' }, host: { type: 'string' }, demo: { type: 'boolean' } }, 'dataville serve [--port N] [--host H] [--demo]');
  const port = values.port ? Number(values.port) : config.port;
  const app = await openApp(config, { log: stderrLogger });
  const { removed: orphans } = await callAction(sweepVersions, app.ctx({ kind: 'system' }), { minAgeMinutes: 60 });
  if (orphans) process.stderr.write(`Removed ${orphans} version folder(s) left by interrupted publishes.\n`);
  if (values.demo) {
    const n = await seedDemo(app);
    if (n) process.stderr.write(`Demo content: ${n} datasets of the Ville de Namur published.\n`);
  }
  const server = await buildServer(app);
  const shutdown = async () => {
    await server.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await server.listen({ port, host: values.host ?? config.host });
  // Jobs left by a stopped process, queued ones and scheduled refreshes run here too (DATAVILLE_JOB_WORKERS=0: web only).
  app.jobs.start();
  process.stderr.write(`Dataville is running at http://localhost:${port} (data in ${config.dataDir}${config.databaseUrl ? ', metadata in PostgreSQL' : ''}).\n`);
  await new Promise(() => {});
}
