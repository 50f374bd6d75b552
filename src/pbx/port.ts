/**
 * The PBX port. An adapter owns its connection (framing, reconnect, status) and reports
 * RAW FACTS only; `domain/results` decides what a dial was.
 *
 * Guarantees every adapter gives (the contract tests hold them to it):
 * - `originate()` resolves once the PBX has the dial (or may have it). From then on exactly one
 *   `ended` event follows for that dialId — from the PBX, or from reconciliation when the
 *   channel is found gone. `originate()` rejects (with a `PbxError`) only when the PBX certainly
 *   did not create the call; then no event follows for that dialId.
 * - A dial is never originated twice: the adapter uses our dialId as the channel id/uuid and
 *   never replays an originate after a reconnect.
 * - `originate()` is only sent while the control link is up; otherwise it rejects with
 *   code `DIALERD_ERR_PBX_DOWN`.
 * - Events for one dialId arrive in order: progress* → answered? → amd? → ended.
 * - `status` events announce link changes; `liveDials()` answers what the PBX has right now.
 */

export interface DialRequest {
  /** Our id; used as the channel id (ARI) or origination_uuid (ESL). */
  dialId: string;
  campaign: string;
  record: string;
  /** E.164 number to call. */
  number: string;
  /** The trunk's endpoint pattern with `{number}` filled in, e.g. `PJSIP/+7495…@carrier-a`. */
  endpoint: string;
  callerId: string | null;
  ringTimeoutSeconds: number;
  /** Call variables from the contact row (exported as channel variables). */
  vars: Record<string, string>;
  amd: { enabled: boolean; params: Record<string, number> };
  /** Where an answered call continues in the PBX's dialplan. */
  onAnswer: { context: string; extension: string; priority: number };
}

/**
 * Facts about the end of a dial, as the PBX reported them: no field says what they mean (that is
 * `domain/results`). A field the adapter cannot know is null, never a guess.
 *
 * Clocks: the `at` of every PbxEvent, `ended` included, is our clock (the adapter's `Clock`,
 * read when the event arrived). `answeredAt` is the PBX's clock: FreeSWITCH `answer_uepoch`
 * (µs → ms), read only when no `answered` event went out (the answer was learned from the
 * hangup event itself, e.g. a dial adopted after a restart); ARI has no answer instant of its
 * own, so an adopted Asterisk dial carries the instant we found it answered, on our clock.
 * Both are epoch milliseconds; with the PBX on another host they differ by its clock's offset.
 */
export interface EndFacts {
  /** Q.850 cause (Asterisk `cause`, FreeSWITCH `variable_hangup_cause_q850`): the PBX's own derivation, a Reason header included. */
  q850: number | null;
  /**
   * The far end's final SIP response to our INVITE (Asterisk `tech_cause`, FreeSWITCH
   * `sip_term_status`, else `sip_invite_failure_status`). A 487 answering the switch's own
   * CANCEL (FreeSWITCH ring timeout: `sip_hangup_disposition=send_cancel`) is not one: null.
   */
  sip: number | null;
  /** FreeSWITCH Hangup-Cause name (or the bgapi `-ERR <NAME>` when no hangup event came); null on Asterisk. */
  causeName: string | null;
  /** Human text: cause_txt, sip_term_phrase, or the whole bgapi `-ERR` reply; for logs only. */
  causeText: string | null;
  /** The end was a soft hangup request (ours), e.g. Asterisk cause 32 flag. */
  soft: boolean;
  /** The originate's own ring timer ended it (FreeSWITCH NO_ANSWER/ALLOTTED_TIMEOUT/PROGRESS_TIMEOUT; Asterisk: no far-end hangup request before the timeout). */
  ringTimeoutHit: boolean;
  /** The PBX made no call of it: FreeSWITCH answered the originate `-ERR` and no event of its channel ever came; ARI: the originate was lost (no channel). */
  originateFailed: boolean;
  /** Answer instant if the adapter learned it only at the end (see Clocks above). */
  answeredAt: number | null;
  /** The channel was found gone after the link came back: how it ended is unknown. */
  outcomeLost: boolean;
  /** A provisional response (180/183) came before the end (FreeSWITCH CHANNEL_PROGRESS(_MEDIA) / progress_uepoch; ARI Ringing state or Dial RINGING/PROGRESS); null: not known. */
  progress: boolean | null;
  /**
   * Some SIP message from the carrier reached the PBX (FreeSWITCH: `sip_network_ip` on the hangup
   * event; Asterisk: the far end's hangup request, which carries its SIP code). false when the
   * switch ended the dial without hearing the carrier (sofia-sip's local 503 when nothing
   * listens); null when the adapter cannot tell.
   */
  farEndResponded: boolean | null;
}

export type PbxEvent =
  | { type: 'progress'; dialId: string; at: number }
  | { type: 'answered'; dialId: string; at: number }
  | { type: 'amd'; dialId: string; at: number; status: string; cause: string | null }
  | { type: 'ended'; dialId: string; at: number; facts: EndFacts }
  | { type: 'status'; status: PbxLinkStatus; reason: string | null; at: number };

export type PbxLinkStatus = 'connecting' | 'up' | 'down' | 'auth_failed';

export type PbxListener = (e: PbxEvent) => void;

export interface PbxAdapter {
  /** Name of this PBX in the daemon config. */
  readonly name: string;
  /** Start connecting (and keep reconnecting forever). Resolves without waiting for the link. */
  start(): Promise<void>;
  /** Close the link and stop reconnecting. Idempotent. */
  stop(): Promise<void>;
  /** Current link status. */
  status(): PbxLinkStatus;
  originate(req: DialRequest): Promise<void>;
  /** Hang up one of our dials. Unknown or already-ended dialIds are ignored. */
  hangup(dialId: string): Promise<void>;
  /** The dialIds of ours the PBX has live right now (for reconciliation). Rejects when down. */
  liveDials(): Promise<string[]>;
  /** Subscribe; returns the unsubscribe function. */
  on(listener: PbxListener): () => void;
}

export function emptyEndFacts(): EndFacts {
  return {
    q850: null,
    sip: null,
    causeName: null,
    causeText: null,
    soft: false,
    ringTimeoutHit: false,
    originateFailed: false,
    answeredAt: null,
    outcomeLost: false,
    progress: null,
    farEndResponded: null,
  };
}
