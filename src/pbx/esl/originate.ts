/**
 * The `originate` text for one dial. The channel's uuid (origination_uuid) derives from our dialId:
 * the guard against a duplicate call; `dialerd_dial` carries the dialId itself on every event.
 */
import { createHash } from 'node:crypto';
import { cleanVarValue, dialVars, freeswitchVarName, isVarName } from '../../domain/vars.ts';
import type { DialRequest } from '../port.ts';
import { hangupHook } from './memory.ts';

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

/**
 * One value written into the `{…}` prefix so that FreeSWITCH reads back exactly the cleaned
 * value. The text passes three parsers (switch_utils.c `switch_separate_string`): mod_commands
 * splits the originate arguments on blanks, switch_event_create_brackets splits `{…}` on commas,
 * then each item on its first `=`. Each pass takes quotes as grouping and `\` escapes
 * (`\\ \' \s` and its own delimiter), so the value is escaped for the innermost pass first.
 * Nothing is ever quoted, and no raw space, quote or comma is left for any pass to split on.
 * `=` is escaped too, so no value reads as `name=value` (FreeSWITCH turns its `${…}` check off
 * when the originate text merely contains `origination_nested_vars=true`).
 *
 * Not representable, so replaced here: control characters (cleanVarValue: a newline would end
 * the ESL command), and `{` `}` → `(` `)` (switch_find_end_paren counts braces blindly, quoted
 * or escaped; this also means no value can hold `${`, which FreeSWITCH would refuse).
 * An empty value sets nothing in FreeSWITCH (`a=` is dropped), the same as an unset variable.
 */
export function eslValue(v: string): string {
  return escapeForOriginate(cleanVarValue(v).value.replace(/\{/g, '(').replace(/\}/g, ')'));
}

/**
 * The three escaping passes of eslValue alone, for a value of OUR making that must keep its
 * braces (the hangup hook's `${…}`: balanced, so switch_find_end_paren still finds the block's end).
 */
function escapeForOriginate(text: string): string {
  const item = text.replace(/[\\' =]/g, (c) => (c === ' ' ? '\\s' : `\\${c}`));
  const list = item.replace(/[\\',]/g, (c) => `\\${c}`);
  return list.replace(/[\\']/g, (c) => `\\${c}`);
}

/**
 * `originate {vars}<endpoint> <extension> XML <context>`, or `&park()` without an extension.
 * Contact variables are sent only as `dialerd_var_<name>` (domain/vars.ts): they can neither
 * reach a FreeSWITCH-special name nor override the variables set here.
 */
export function originateCommand(req: DialRequest): string {
  const uuid = channelUuidOf(req.dialId);
  const vars: Array<[string, string]> = [
    ['origination_uuid', uuid],
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
      if (isVarName(k)) vars.push([`dialerd_amd_${k}`, String(v)]);
    }
  }
  for (const [k, v] of Object.entries(dialVars(req.vars))) vars.push([freeswitchVarName(k), v]);
  const head = `{${[...vars.flatMap(([k, v]) => (v === '' ? [] : [`${k}=${eslValue(v)}`])), ...memoryVars(uuid)].join(',')}}`;
  const ext = req.onAnswer.extension.trim();
  const target = ext === '' ? '&park()' : `${ext.replace(/\s/g, '')} XML ${(req.onAnswer.context || 'default').replace(/\s/g, '')}`;
  return `originate ${head}${req.endpoint} ${target}`;
}

/**
 * The hangup hook that makes FreeSWITCH remember the dial's end (memory.ts). Its `${…}` must
 * reach the channel unexpanded: FreeSWITCH refuses any `{…}` value holding `${` unless
 * `origination_nested_vars=true` (switch_ivr_originate.c `check_vars`), which is safe here because
 * no contact value can hold a brace (eslValue); the hook is expanded at hangup, never at originate.
 */
function memoryVars(uuid: string): string[] {
  return ['origination_nested_vars=true', `api_hangup_hook=${escapeForOriginate(hangupHook(uuid))}`];
}
