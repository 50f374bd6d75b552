/**
 * Errors on the wire: every failure answers `{ code, message }` with the HTTP status of the
 * catalog entry (src/lib/errors.ts). Clients branch on `code`, never on `message`.
 */
import { DialerdError, ERRORS, type ErrorCode } from '../lib/errors.ts';

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
}

/** The status and body for any thrown value. `internal` is true for a 5xx nobody planned. */
export function errorReply(err: unknown): { status: number; body: ApiErrorBody; internal: boolean } {
  if (err instanceof DialerdError) return { status: err.status, body: { code: err.code, message: err.message }, internal: false };
  const e = err as { statusCode?: unknown; message?: unknown; validation?: unknown; validationContext?: unknown };
  // fastify's own 4xx: schema validation, bad JSON, body too large, wrong content type.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const message = typeof e.message === 'string' ? e.message : 'bad request';
    const code = fastifyCode(e.statusCode, e);
    return { status: code === 'DIALERD_ERR_USAGE' ? e.statusCode : ERRORS[code].status, body: { code, message }, internal: false };
  }
  const detail = err instanceof Error ? err.message : String(err);
  return { status: ERRORS.DIALERD_ERR_INTERNAL.status, body: { code: 'DIALERD_ERR_INTERNAL', message: `internal error: ${detail}` }, internal: true };
}

/** The catalog code for one of fastify's 4xx; a list over its maxItems is a too-large request. */
function fastifyCode(status: number, e: { validation?: unknown; validationContext?: unknown }): ErrorCode {
  if (status === 413) return 'DIALERD_ERR_PAYLOAD_TOO_LARGE';
  if (status === 415) return 'DIALERD_ERR_UNSUPPORTED_MEDIA_TYPE';
  const tooMany = Array.isArray(e.validation) && e.validationContext === 'body' && e.validation.some((v: { keyword?: string; instancePath?: string }) => v.keyword === 'maxItems' && v.instancePath === '');
  return tooMany ? 'DIALERD_ERR_PAYLOAD_TOO_LARGE' : 'DIALERD_ERR_USAGE';
}
