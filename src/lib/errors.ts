/**
 * The error catalog. Code branches on `err.code`, never on message text.
 * test/unit/readme.test.ts keeps this catalog and the README's error table in step.
 */
export const ERRORS = {
  DIALERD_ERR_CONFIG_INVALID: { status: 400, message: 'configuration is invalid: %s' },
  DIALERD_ERR_CONFIG_NOT_FOUND: { status: 404, message: 'file not found: %s' },
  DIALERD_ERR_CAMPAIGN_NOT_FOUND: { status: 404, message: 'no campaign %s' },
  DIALERD_ERR_RECORD_NOT_FOUND: { status: 404, message: 'no record %s' },
  DIALERD_ERR_ILLEGAL_TRANSITION: { status: 409, message: 'cannot %s' },
  DIALERD_ERR_RESUME_REFUSED: { status: 409, message: 'resume refused: %s' },
  DIALERD_ERR_PBX_DOWN: { status: 503, message: 'PBX %s is not connected' },
  DIALERD_ERR_PBX_AUTH: { status: 503, message: 'PBX %s refused our credentials' },
  DIALERD_ERR_ORIGINATE_REFUSED: { status: 502, message: 'originate refused: %s' },
  DIALERD_ERR_HANGUP_FAILED: { status: 502, message: 'hang-up refused: %s' },
  DIALERD_ERR_PBX_COMMAND: { status: 502, message: 'PBX command failed: %s' },
  DIALERD_ERR_PBX_TIMEOUT: { status: 504, message: 'PBX request timed out: %s' },
  DIALERD_ERR_STORE_DOWN: { status: 503, message: 'store unavailable: %s' },
  DIALERD_ERR_STORE_LOCKED: { status: 409, message: 'store in use: %s' },
  DIALERD_ERR_STORE_FENCED: { status: 409, message: 'write refused: %s' },
  DIALERD_ERR_CONTACTS: { status: 400, message: 'contacts: %s' },
  DIALERD_ERR_USAGE: { status: 400, message: '%s' },
  DIALERD_ERR_NOT_FOUND: { status: 404, message: 'no route %s' },
  DIALERD_ERR_UNAUTHORIZED: { status: 401, message: 'unauthorized: %s' },
  DIALERD_ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'request too large: %s' },
  DIALERD_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'unsupported media type: %s' },
  DIALERD_ERR_INTERNAL: { status: 500, message: 'internal error: %s' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class DialerdError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  constructor(code: ErrorCode, detail: string, options?: { cause?: unknown }) {
    super(ERRORS[code].message.replace('%s', detail), options);
    this.name = 'DialerdError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.detail = detail;
  }
}

export function isDialerdError(e: unknown, code?: ErrorCode): e is DialerdError {
  return e instanceof DialerdError && (code === undefined || e.code === code);
}
