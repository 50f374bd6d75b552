/**
 * The two cause vocabularies dialerd reads, each kept once: the SIP final response → Q.850 cause
 * table (RFC 3398 §8.2.6.1), and FreeSWITCH's Hangup-Cause names with their numbers
 * (switch_types.h, switch_call_cause_t). Pure data and lookups; results.ts decides what they mean.
 */

/**
 * RFC 3398 §8.2.6.1 (SIP status → ISUP cause), extended where the RFC is silent:
 * 488 and 606 ("by Warning header") → 88 (incompatible destination, what FreeSWITCH derives);
 * 607 Unwanted (RFC 8197) and 608 Rejected (RFC 8688) → 21 (call rejected).
 * 487 Request Terminated has no cause in the RFC and none here (results.ts gives it a result).
 */
export const SIP_TO_Q850: Readonly<Record<number, number>> = Object.freeze({
  400: 41, 401: 21, 402: 21, 403: 21, 404: 1, 405: 63, 406: 79, 407: 21, 408: 102, 410: 22,
  413: 127, 414: 127, 415: 79, 416: 127, 420: 127, 421: 127, 423: 127,
  480: 18, 481: 41, 482: 25, 483: 25, 484: 28, 485: 1, 486: 17, 488: 88,
  500: 41, 501: 79, 502: 38, 503: 41, 504: 102, 505: 127, 513: 127,
  600: 17, 603: 21, 604: 1, 606: 88, 607: 21, 608: 21,
});

/** A final failure response: the only SIP codes that decide a result (1xx/2xx/3xx never do). */
export const isFinalFailure = (sip: number | null): sip is number => sip !== null && Number.isInteger(sip) && sip >= 400 && sip <= 699;

/**
 * The Q.850 cause of a final SIP failure code: its row in SIP_TO_Q850, else the row of its class's
 * x00 code (RFC 3261 §8.1.3.2: an unknown final response is treated as the x00 of its class), so
 * 580 reads as 500 (41). Null for 487 and for codes that are not final failures.
 */
export function sipCause(sip: number | null): number | null {
  if (!isFinalFailure(sip) || sip === 487) return null;
  return SIP_TO_Q850[sip] ?? SIP_TO_Q850[Math.floor(sip / 100) * 100]!;
}

/**
 * Every FreeSWITCH Hangup-Cause name with its switch_call_cause_t value (switch_types.h).
 * Values above 127 are FreeSWITCH-internal: hangup_cause_q850 reports them as 16
 * (switch_channel_cause_q850), so only the name tells what happened. 0 is `NONE` there
 * (FreeSWITCH prints no other name for it).
 */
export const FREESWITCH_CAUSE_CODES: Readonly<Record<string, number>> = Object.freeze({
  NONE: 0, UNALLOCATED_NUMBER: 1, NO_ROUTE_TRANSIT_NET: 2, NO_ROUTE_DESTINATION: 3,
  CHANNEL_UNACCEPTABLE: 6, CALL_AWARDED_DELIVERED: 7, NORMAL_CLEARING: 16, USER_BUSY: 17,
  NO_USER_RESPONSE: 18, NO_ANSWER: 19, SUBSCRIBER_ABSENT: 20, CALL_REJECTED: 21, NUMBER_CHANGED: 22,
  REDIRECTION_TO_NEW_DESTINATION: 23, EXCHANGE_ROUTING_ERROR: 25, DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28, FACILITY_REJECTED: 29, RESPONSE_TO_STATUS_ENQUIRY: 30, NORMAL_UNSPECIFIED: 31,
  NORMAL_CIRCUIT_CONGESTION: 34, NETWORK_OUT_OF_ORDER: 38, NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42, ACCESS_INFO_DISCARDED: 43, REQUESTED_CHAN_UNAVAIL: 44, PRE_EMPTED: 45,
  FACILITY_NOT_SUBSCRIBED: 50, OUTGOING_CALL_BARRED: 52, INCOMING_CALL_BARRED: 54,
  BEARERCAPABILITY_NOTAUTH: 57, BEARERCAPABILITY_NOTAVAIL: 58, SERVICE_UNAVAILABLE: 63,
  BEARERCAPABILITY_NOTIMPL: 65, CHAN_NOT_IMPLEMENTED: 66, FACILITY_NOT_IMPLEMENTED: 69,
  SERVICE_NOT_IMPLEMENTED: 79, INVALID_CALL_REFERENCE: 81, INCOMPATIBLE_DESTINATION: 88,
  INVALID_MSG_UNSPECIFIED: 95, MANDATORY_IE_MISSING: 96, MESSAGE_TYPE_NONEXIST: 97, WRONG_MESSAGE: 98,
  IE_NONEXIST: 99, INVALID_IE_CONTENTS: 100, WRONG_CALL_STATE: 101, RECOVERY_ON_TIMER_EXPIRE: 102,
  MANDATORY_IE_LENGTH_ERROR: 103, PROTOCOL_ERROR: 111, INTERWORKING: 127,
  SUCCESS: 142, ORIGINATOR_CANCEL: 487, CRASH: 500, SYSTEM_SHUTDOWN: 501, LOSE_RACE: 502,
  MANAGER_REQUEST: 503, BLIND_TRANSFER: 600, ATTENDED_TRANSFER: 601, ALLOTTED_TIMEOUT: 602,
  USER_CHALLENGE: 603, MEDIA_TIMEOUT: 604, PICKED_OFF: 605, USER_NOT_REGISTERED: 606,
  PROGRESS_TIMEOUT: 607, INVALID_GATEWAY: 608, GATEWAY_DOWN: 609, INVALID_URL: 610,
  INVALID_PROFILE: 611, NO_PICKUP: 612, SRTP_READ_ERROR: 613, BOWOUT: 614, BUSY_EVERYWHERE: 615,
  DECLINE: 616, DOES_NOT_EXIST_ANYWHERE: 617, NOT_ACCEPTABLE: 618, UNWANTED: 619, NO_IDENTITY: 620,
  BAD_IDENTITY_INFO: 621, UNSUPPORTED_CERTIFICATE: 622, INVALID_IDENTITY: 623, STALE_DATE: 624,
});

/** A FreeSWITCH name above 127: its q850 reads 16, a stand-in for what happened. */
export function isFreeswitchInternal(name: string | null): name is string {
  return name !== null && (FREESWITCH_CAUSE_CODES[name] ?? 0) > 127;
}
