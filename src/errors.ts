/**
 * Errors are values: a stable code, a message for a person (what, where, how to fix) and an HTTP
 * status. Adapters translate them (JSON body, HTML page, CLI exit code); nothing else does.
 */
export const errorCodes = {
  bad_request: 400,
  validation_failed: 400,
  empty_file: 422,
  binary_file: 422,
  header_only: 422,
  too_many_columns: 422,
  unknown_encoding: 422,
  unreadable_table: 422,
  unreadable_workbook: 422,
  unreadable_json: 422,
  invalid_geometry: 422,
  unsupported_format: 415,
  /** A URL Dataville will not fetch: scheme, credentials, or a private address (server-side request forgery). */
  url_refused: 422,
  /** The remote server answered with an error, HTML instead of data, or broke off. */
  fetch_failed: 502,
  fetch_timeout: 504,
  payload_too_large: 413,
  unauthenticated: 401,
  invalid_token: 401,
  forbidden: 403,
  not_found: 404,
  organization_not_found: 404,
  dataset_not_found: 404,
  resource_not_found: 404,
  version_not_found: 404,
  user_not_found: 404,
  job_not_found: 404,
  refresh_not_found: 404,
  conflict: 409,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCodes[code];
    this.details = details;
  }
  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** Exit code of the CLI for an error: 2 for the user's input, 3 for access, 1 otherwise. */
export function exitCodeFor(err: unknown): number {
  if (!(err instanceof AppError)) return 1;
  if (err.status === 401 || err.status === 403) return 3;
  if (err.status >= 400 && err.status < 500) return 2;
  return 1;
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
