/**
 * The `originate` text for one dial. The channel's uuid (origination_uuid) derives from our dialId:
 * the guard against a duplicate call; `dialerd_dial` carries the dialId itself on every event.
 */
import { createHash } from 'node:crypto';
import type { DialRequest } from '../port.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The channel uuid for a dialId. FreeSWITCH keeps a session uuid in 36 bytes
 * (`char uuid_str[SWITCH_UUID_FORMATTED_LENGTH + 1]`), so a longer dialId would be cut and stop
 * matching; such ids are mapped to a name-based (v5-style) uuid instead. Deterministic, so the
 * same dial always asks for the same uuid and FreeSWITCH's duplicate-uuid refusal stays the guard.
 */
export function channelUuidOf(dialId: string): string {
  if (UUID_RE.test(dialId)) return dialId.toLowerCase();
  const h = createHash('sha1').update(`dialerd:${dialId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** Channel-variable values inside `{…}`: commas separate variables, quotes group spaces. */
export function escapeVar(v: string): string {
  const clean = v.replace(/[\r\n'{}]/g, ' ').replace(/,/g, '\\,');
  return /\s/.test(clean) ? `'${clean}'` : clean;
}

function varName(k: string): string | null {
  const n = k.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(n) ? n : null;
}

/** `originate {vars}<endpoint> <extension> XML <context>`, or `&park()` without an extension. */
export function originateCommand(req: DialRequest): string {
  const vars: Array<[string, string]> = [
    ['origination_uuid', channelUuidOf(req.dialId)],
    ['dialerd_dial', req.dialId],
    ['dialerd_campaign', req.campaign],
    ['dialerd_record', req.record],
    ['ignore_early_media', 'true'],
    ['originate_timeout', String(Math.max(1, Math.round(req.ringTimeoutSeconds)))],
  ];
  if (req.callerId) vars.push(['origination_caller_id_number', req.callerId]);
  if (req.amd.enabled) {
    vars.push(['dialerd_amd', 'true']);
    for (const [k, v] of Object.entries(req.amd.params)) {
      const n = varName(k);
      if (n) vars.push([`dialerd_amd_${n}`, String(v)]);
    }
  }
  const taken = new Set(vars.map(([k]) => k));
  for (const [k, v] of Object.entries(req.vars)) {
    const n = varName(k);
    // Contact columns may not override the guard variables above.
    if (n && !taken.has(n)) vars.push([n, v]);
  }
  const head = `{${vars.map(([k, v]) => `${k}=${escapeVar(v)}`).join(',')}}`;
  const ext = req.onAnswer.extension.trim();
  const target = ext === '' ? '&park()' : `${ext.replace(/\s/g, '')} XML ${(req.onAnswer.context || 'default').replace(/\s/g, '')}`;
  return `originate ${head}${req.endpoint} ${target}`;
}
