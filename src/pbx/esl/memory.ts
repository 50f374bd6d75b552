/**
 * FreeSWITCH's memory of our dials' ends (port: recallEnds / forgetEnds).
 *
 * Every originate carries `api_hangup_hook=<hangupHook(uuid)>`: when the channel hangs up (busy,
 * 404, ring timeout, answered and cleared — any end after the channel exists), FreeSWITCH's
 * hangup state expands the hook's `${…}` against the channel's variables (switch_core_state_machine.c
 * `api_hook`, after `switch_channel_set_timestamps`, before CHANNEL_HANGUP_COMPLETE and before the
 * channel leaves the session table and `show channels`) and runs
 * `global_setvar dialerd_end_<uuid>=v1;<cause>;<q850>;<sip_term_status>;<sip_invite_failure_status>;
 * <sip_hangup_disposition>;<progress_uepoch>;<progress_media_uepoch>;<answer_uepoch>;<end_uepoch>;<sip_network_ip>;
 * <dialerd_hangup>;<amd_result>;<amd_cause>;<avmd_detect>` (`dialerd_hangup` is `true` when a daemon's hangup() asked
 * for this end: the adapter sets it just before uuid_kill; the AMD fields are the verdict's channel variables)
 * (mod_commands). ESL reads it back with `global_getvar`, deletes it with `global_setvar <name>=`.
 * A FreeSWITCH restart forgets them all.
 *
 * Only facts FreeSWITCH itself writes are stored (cause names, numbers, epochs, an address): no
 * SIP reason phrase or other text from the far end, which could carry the `;`/`=` this format
 * and global_setvar's parser split on. What is read back is still parsed as untrusted input.
 *
 * The epochs are FreeSWITCH's clock: used only as differences to its own `strmicroepoch` read in
 * the same exchange (port: instants are on our clock).
 */
import type { EslEvent } from './protocol.ts';

/** v2 added the AMD fields; a v1 memory (written before, still in a running FreeSWITCH) is read without them. */
const VERSION = 'v2';
const V1_FIELDS = 11;
/** Channel variables stored, in order; each read back as the CHANNEL_HANGUP_COMPLETE header of the same name. */
const FIELDS = [
  'hangup_cause',
  'hangup_cause_q850',
  'sip_term_status',
  'sip_invite_failure_status',
  'sip_hangup_disposition',
  'progress_uepoch',
  'progress_media_uepoch',
  'answer_uepoch',
  'end_uepoch',
  'sip_network_ip',
  'dialerd_hangup',
  'amd_result',
  'amd_cause',
  'avmd_detect',
] as const;
type Field = (typeof FIELDS)[number];

/** What each stored field may look like; anything else makes the whole memory unreadable. */
const SHAPE: Record<Field, RegExp> = {
  hangup_cause: /^[A-Z][A-Z0-9_]{0,63}$/,
  hangup_cause_q850: /^\d{0,3}$/,
  sip_term_status: /^\d{0,3}$/,
  sip_invite_failure_status: /^\d{0,3}$/,
  sip_hangup_disposition: /^[a-z_]{0,32}$/,
  progress_uepoch: /^\d{0,19}$/,
  progress_media_uepoch: /^\d{0,19}$/,
  answer_uepoch: /^\d{0,19}$/,
  end_uepoch: /^\d{1,19}$/,
  sip_network_ip: /^[0-9A-Fa-f:.]{0,45}$/,
  dialerd_hangup: /^(true)?$/,
  // mod_amd's verdict and cause (e.g. MACHINE, MAXWORDS-3-2), mod_avmd's detection flag.
  amd_result: /^[A-Za-z_-]{0,32}$/,
  amd_cause: /^[A-Za-z0-9_-]{0,64}$/,
  avmd_detect: /^[A-Za-z]{0,8}$/,
};
const MAX_LEN = 512;

/** The global variable holding one channel's end. */
export const memoryVar = (uuid: string): string => `dialerd_end_${uuid}`;

/** The `api_hangup_hook` text for a channel (FreeSWITCH expands its `${…}` at hangup). */
export function hangupHook(uuid: string): string {
  return `global_setvar ${memoryVar(uuid)}=${[VERSION, ...FIELDS.map((f) => '${' + f + '}')].join(';')}`;
}

/** A stored end, as the hangup event it stands for (same header names), and its end instant (µs, FreeSWITCH's clock). */
export interface StoredEnd {
  event: EslEvent;
  endUs: number;
}

/** Parse a `global_getvar` reply; null when nothing is stored or the text is not ours. */
export function parseStoredEnd(text: string): StoredEnd | null {
  if (text.length > MAX_LEN) return null;
  const parts = text.trim().split(';');
  const fields = parts[0] === VERSION ? FIELDS : parts[0] === 'v1' ? FIELDS.slice(0, V1_FIELDS) : null;
  if (!fields || parts.length !== fields.length + 1) return null;
  const event: EslEvent = { 'Event-Name': 'CHANNEL_HANGUP_COMPLETE' };
  for (const [i, f] of fields.entries()) {
    const v = parts[i + 1]!;
    if (!SHAPE[f].test(v)) return null;
    if (v !== '') event[`variable_${f}`] = v;
  }
  event['Hangup-Cause'] = event['variable_hangup_cause']!;
  return { event, endUs: Number(event['variable_end_uepoch']) };
}

/** `strmicroepoch`'s reply (FreeSWITCH's clock now, µs); null when it is not a number. */
export function parseMicroEpoch(text: string): number | null {
  const t = text.trim();
  return /^\d{1,19}$/.test(t) ? Number(t) : null;
}
