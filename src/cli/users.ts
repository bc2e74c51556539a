import crypto from 'node:crypto';
import type { Config } from '../config.ts';
import { openApp } from '../app.ts';
import { callAction } from '../actions/registry.ts';
import { addUser, createToken } from '../actions/users.ts';
import { AppError } from '../errors.ts';
import { parseFlags } from './main.ts';

/** `dataville user add`: creates a user; prints a generated password when none is given. */
export async function userCommand(config: Config, args: string[]) {
  const usage = 'dataville user add --email E --name N [--password P] [--org NIS --role admin|editor|dpo|viewer] [--superadmin]';
  const [sub, ...rest] = args;
  if (sub !== 'add') throw new AppError('bad_request', `Unknown subcommand "${sub ?? ''}".\nUsage: ${usage}`);
  const { values } = parseFlags(rest, {
    email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, org: { type: 'string' },
    role: { type: 'string' }, superadmin: { type: 'boolean' },
  }, usage);
  const password = values.password ?? crypto.randomBytes(12).toString('base64url');
  const app = await openApp(config);
  try {
    const out = await callAction(addUser, app.ctx({ kind: 'system' }), {
      email: values.email, name: values.name ?? values.email, password, organization: values.org, role: values.role, superadmin: values.superadmin ?? false,
    });
    process.stdout.write(`User ${out.email} created${out.organization ? ` (${out.role} of ${out.organization})` : ''}${out.superadmin ? ' (instance admin)' : ''}.\n`);
    if (!values.password) process.stdout.write(`Password: ${password}\n`);
    process.stdout.write(`${out.id}\n`);
  } finally {
    await app.close();
  }
}

/** `dataville token add`: creates an API token and prints it once. */
export async function tokenCommand(config: Config, args: string[]) {
  const usage = 'dataville token add --user EMAIL [--name NAME]';
  const [sub, ...rest] = args;
  if (sub !== 'add') throw new AppError('bad_request', `Unknown subcommand "${sub ?? ''}".\nUsage: ${usage}`);
  const { values } = parseFlags(rest, { user: { type: 'string' }, name: { type: 'string' } }, usage);
  if (!values.user) throw new AppError('bad_request', `Give --user.\nUsage: ${usage}`);
  const app = await openApp(config);
  try {
    const out = await callAction(createToken, app.ctx({ kind: 'system' }), { user: values.user, name: values.name ?? 'cli' });
    process.stdout.write(`${out.token}\n`);
  } finally {
    await app.close();
  }
}
