import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Ctx } from '../context.ts';
import { Authz } from './authz.ts';

/** One operation of Dataville: a zod input schema, an authorization check, and its run. */
export interface Action<I extends z.ZodType = z.ZodType, O = unknown> {
  name: string;
  summary: string;
  input: I;
  run(ctx: Ctx, input: z.infer<I>, authz: Authz): Promise<O>;
}

/** Declares an action (keeps the input type inferred from the schema). */
export function defineAction<I extends z.ZodType, O>(action: Action<I, O>): Action<I, O> {
  return action;
}

/** Validates the input, runs the action, and fails loudly if it returned without an authorization check. */
export async function callAction<I extends z.ZodType, O>(action: Action<I, O>, ctx: Ctx, rawInput: unknown): Promise<O> {
  const parsed = action.input.safeParse(rawInput ?? {});
  if (!parsed.success) throw validationError(parsed.error, action.name);
  const authz = new Authz(ctx.actor);
  const out = await action.run(ctx, parsed.data, authz);
  if (!authz.checked) throw new AppError('internal', `Action ${action.name} returned without an authorization check; this is a bug in Dataville.`);
  return out;
}

/** Turns zod issues into one error naming each field, what is wrong, and the expected shape. */
export function validationError(error: z.ZodError, where: string): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return new AppError('validation_failed', `The input of ${where} is invalid: ${text}. Correct these fields and try again.`, { issues });
}
