/**
 * What mod_sofia does with a final SIP response to an outbound INVITE
 * (sofia_glue_sip_cause_to_freeswitch): the hangup cause name the switch reports.
 */
const TABLE: Array<[number[], string]> = [
  [[200], 'NORMAL_CLEARING'],
  [[401, 402, 403, 407, 603, 608], 'CALL_REJECTED'],
  [[404], 'UNALLOCATED_NUMBER'],
  [[485, 604], 'NO_ROUTE_DESTINATION'],
  [[408, 504], 'RECOVERY_ON_TIMER_EXPIRE'],
  [[410], 'NUMBER_CHANGED'],
  [[413, 414, 416, 420, 421, 423, 505, 513], 'INTERWORKING'],
  [[480], 'NO_USER_RESPONSE'],
  [[400, 481, 500, 503], 'NORMAL_TEMPORARY_FAILURE'],
  [[486, 600], 'USER_BUSY'],
  [[484], 'INVALID_NUMBER_FORMAT'],
  [[488, 606], 'INCOMPATIBLE_DESTINATION'],
  [[502], 'NETWORK_OUT_OF_ORDER'],
  [[405], 'SERVICE_UNAVAILABLE'],
  [[406, 415, 501], 'SERVICE_NOT_IMPLEMENTED'],
  [[482, 483], 'EXCHANGE_ROUTING_ERROR'],
  [[487], 'ORIGINATOR_CANCEL'],
];

export function sofiaCause(sip: number): string {
  for (const [codes, name] of TABLE) if (codes.includes(sip)) return name;
  return 'NORMAL_UNSPECIFIED';
}
