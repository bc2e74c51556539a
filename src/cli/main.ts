import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config.ts';
import { AppError, exitCodeFor } from '../errors.ts';
import { serveCommand } from './serve.ts';
import { publishCommand } from './publish.ts';
import { auditCommand } from './audit.ts';
import { exportCommand } from './export.ts';
import { userCommand, tokenCommand } from './users.ts';
import { jobsCommand, refreshCommand, rollbackCommand, workerCommand } from './jobs.ts';
import { harvestCommand } from './harvest.ts';
import { registerCommand } from './register.ts';

const USAGE = `dataville — open data for Belgian communes

Usage:
  dataville serve [--port N] [--demo]            start the portal (http://localhost:8080)
  dataville publish FILE --org NIS --title TEXT  publish a file (CSV, XLSX, JSON, GeoJSON) as a new dataset
            [--url URL instead of FILE] [--schedule daily|weekly|CRON] [--sheet NAME|N] [--pointer /json/path]
            [--dataset ID] [--description TEXT] [--keywords a,b] [--status published|internal|planned]
  dataville jobs [--state S] [--kind K] [--json]  list jobs; jobs show ID; jobs retry ID
  dataville worker                               run jobs and scheduled refreshes without serving HTTP
  dataville refresh RESOURCE_ID                  fetch a resource from its source now
  dataville rollback RESOURCE_ID VERSION         serve an earlier version again (as a new version)
  dataville harvest add --org NIS --kind ckan|dcat|ods --url URL [--schedule daily] [--name N] [--option k=v]
                                                 harvest another portal; harvest list | show ID | run ID | runs ID | delete ID --confirm
  dataville audit FILE [--json]                  audit a file; stores nothing
  dataville export DATASET [--format csv|json|parquet|xlsx] [--version N]   write a download to stdout
  dataville register list|show|propose|export|end ORGANIZATION …   the GDPR Art. 30 register of processing activities
            list ORG [--json]; show ORG NUMBER|ID; propose ORG [--apply]; end ORG NUMBER|ID [--date YYYY-MM-DD] [--replaced-by N]
            export ORG [--format xlsx|csv] [--lang fr|nl|de|en|fr-nl] [--delimiter ';'|','] [--out FILE|-]   (dataville register: all flags)
  dataville user add --email E --name N [--password P] [--org NIS --role admin|editor|dpo|viewer] [--superadmin]
  dataville token add --user EMAIL [--name NAME] create an API token

Environment: PORT (8080), DATAVILLE_DATA_DIR (./data), DATABASE_URL (unset: SQLite in the data folder),
DATAVILLE_MAX_UPLOAD_BYTES, DATAVILLE_MAX_COLUMNS, DATAVILLE_JOB_WORKERS (1), DATAVILLE_ALLOW_PRIVATE_URLS,
DATAVILLE_SOURCE_PATHS, LOG_LEVEL. See the README for all.`;

export type CommandFn = (config: Config, args: string[]) => Promise<number | void>;

const commands: Record<string, CommandFn> = {
  serve: serveCommand,
  publish: publishCommand,
  audit: auditCommand,
  export: exportCommand,
  user: userCommand,
  token: tokenCommand,
  jobs: jobsCommand,
  worker: workerCommand,
  refresh: refreshCommand,
  rollback: rollbackCommand,
  harvest: harvestCommand,
  register: registerCommand,
};

/** Runs the CLI; exits with 0 on success, 2 for bad input, 3 for access, 1 otherwise. */
export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    process.exitCode = name ? 0 : 2;
    return;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  try {
    const config = loadConfig(process.env);
    const code = await command(config, rest);
    process.exitCode = code ?? 0;
  } catch (err) {
    const message = err instanceof AppError ? `${err.message} [${err.code}]` : (err as Error).stack ?? String(err);
    process.stderr.write(`Error: ${message}\n`);
    process.exitCode = exitCodeFor(err);
  }
}

/** parseArgs with a clear error for unknown flags. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true } as const);
  } catch (e) {
    throw new AppError('bad_request', `${(e as Error).message}\nUsage: ${usage}`);
  }
}
