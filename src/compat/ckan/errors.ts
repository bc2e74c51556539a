/**
 * CKAN's error envelope: `{"help", "success": false, "error": {"__type", "message", <field>: [..]}}`
 * with CKAN's statuses (src ckan/views/api.py): 403 Authorization Error, 404 Not Found Error,
 * 409 Validation Error (one list of messages per field), 400 Search Query Error, 500 Internal Error.
 * Dataville's AppError stays the one error type; what CKAN needs rides in its details.
 */
import { AppError, type ErrorCode } from '../../errors.ts';

export type CkanErrorType = 'Validation Error' | 'Search Query Error' | 'Not Found Error' | 'Authorization Error' | 'Internal Error';

interface CkanDetails {
  ckan: { type: CkanErrorType; fields?: Record<string, string[]> };
}

const KINDS: Record<'validation' | 'search_query' | 'not_found' | 'authorization', { code: ErrorCode; type: CkanErrorType }> = {
  validation: { code: 'validation_failed', type: 'Validation Error' },
  search_query: { code: 'validation_failed', type: 'Search Query Error' },
  not_found: { code: 'not_found', type: 'Not Found Error' },
  authorization: { code: 'forbidden', type: 'Authorization Error' },
};

/** An AppError that the CKAN API shows as the given CKAN error type (fields: CKAN's per-field lists). */
export function ckanError(kind: keyof typeof KINDS, message: string, fields?: Record<string, string[]>): AppError {
  const k = KINDS[kind];
  const details: CkanDetails = { ckan: { type: k.type, ...(fields ? { fields } : {}) } };
  return new AppError(k.code, message, details);
}

export interface CkanErrorReply {
  status: number;
  error: { __type: CkanErrorType; message: string; code: string } & Record<string, unknown>;
}

const STATUS: Record<CkanErrorType, number> = {
  'Validation Error': 409,
  'Search Query Error': 400,
  'Not Found Error': 404,
  'Authorization Error': 403,
  'Internal Error': 500,
};

/** The CKAN error of any thrown value: type and status as CKAN gives them, Dataville's message and code kept. */
export function ckanErrorReply(err: unknown, requestId: string): CkanErrorReply {
  const e = err instanceof AppError
    ? err
    : new AppError('internal', `Something went wrong on our side (request ${requestId}). The error is logged; try again, and report it with this id if it persists.`);
  const ckan = (e.details as Partial<CkanDetails> | undefined)?.ckan;
  const type: CkanErrorType = ckan?.type
    ?? (e.status === 404 ? 'Not Found Error'
      : e.status === 401 || e.status === 403 ? 'Authorization Error'
        : e.status >= 500 ? 'Internal Error' : 'Validation Error');
  // CKAN lists validation messages per field; zod issues give the same from their paths.
  const issues = (e.details as { issues?: { path?: unknown; message: string }[] } | undefined)?.issues;
  const fields: Record<string, string[]> = { ...(ckan?.fields ?? {}) };
  if (type === 'Validation Error' && Array.isArray(issues)) {
    for (const i of issues) {
      const key = Array.isArray(i.path) ? i.path.join('.') : typeof i.path === 'string' ? i.path : '';
      if (key) (fields[key] ??= []).push(i.message);
    }
  }
  return { status: STATUS[type], error: { ...fields, __type: type, message: e.message, code: e.code } };
}
