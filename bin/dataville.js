#!/usr/bin/env node
// Entry point of the `dataville` command: registers the TypeScript loader, then runs the CLI.
import { register } from 'node:module';
register('tsx/esm', import.meta.url);
const { main } = await import('../src/cli/main.ts');
await main(process.argv.slice(2));
