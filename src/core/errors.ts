/** Stable error codes. Only `app.onError` (and the CLI) turn these into HTTP statuses or exit codes. */
export type DeskErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'unauthorized'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'platform_unavailable'
  | 'invalid_import'
  | 'internal';

/** The one error base class of the desk: a stable `code`, a human message and an optional cause. */
export class DeskError extends Error {
  readonly code: DeskErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: DeskErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeskError';
    this.code = code;
    this.details = options?.details;
  }
}
