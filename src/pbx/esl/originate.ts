/**
 * The `originate` text for one dial. Our dialId is the channel's uuid (origination_uuid): the
 * guard against a duplicate call, and the key every event comes back with.
 */
import type { DialRequest } from '../port.ts';

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
    ['origination_uuid', req.dialId],
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
