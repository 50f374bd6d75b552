/**
 * The control API's front door, run on every request before routing and body parsing:
 *
 * 1. Authentication. With a token, every request must carry `Authorization: Bearer <token>`
 *    (compared in constant time), except `GET|HEAD /health` and `GET|HEAD /metrics` (probes and
 *    Prometheus). Anything else, unknown routes included, answers 401 DIALERD_ERR_UNAUTHORIZED.
 *    `token: null` (config `auth: none`, loopback only) lets every request through.
 * 2. Media type. POST, PUT, PATCH and DELETE must say `Content-Type: application/json`, with or
 *    without a body: a browser can send `text/plain`, form or body-less POSTs to any origin without
 *    a CORS preflight, so this closes cross-site requests even without a token. No CORS header is
 *    ever sent, so a preflight never grants anything.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DialerdError } from '../lib/errors.ts';

const OPEN = new Set(['/health', '/metrics']);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Equal-length digests, so neither the token's content nor its length leaks through timing. */
const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** True when `header` is `Bearer <token>` (scheme case-insensitive). */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  // Compare even without a match, so a malformed header costs the same as a wrong token.
  const ok = timingSafeEqual(digest(m?.[1] ?? ''), expected);
  return m !== null && ok;
}

/** `application/json` (parameters such as charset allowed), nothing else. */
function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** Install the guard on `app` (before any route). */
export function guardApi(app: FastifyInstance, token: string | null): void {
  const expected = token === null ? null : digest(token);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!;
    const open = (req.method === 'GET' || req.method === 'HEAD') && OPEN.has(path);
    if (expected !== null && !open && !bearerMatches(req.headers.authorization, expected)) {
      void reply.header('www-authenticate', 'Bearer realm="dialerd"');
      throw new DialerdError('DIALERD_ERR_UNAUTHORIZED', 'missing or wrong API token (Authorization: Bearer <token>)');
    }
    if (MUTATING.has(req.method) && !isJson(req.headers['content-type'])) {
      throw new DialerdError('DIALERD_ERR_UNSUPPORTED_MEDIA_TYPE', `${req.method} needs "Content-Type: application/json"`);
    }
  });
  // JSON is the only body the API reads; an empty one (POST …/pause) is no body.
  app.removeAllContentTypeParsers();
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') done(null, undefined);
    else json(req, body as string, done);
  });
}
