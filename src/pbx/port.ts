/**
 * The PBX port. An adapter owns its connection (framing, reconnect, status) and reports
 * RAW FACTS only; `domain/results` decides what a dial was.
 *
 * Guarantees every adapter gives (test/contract/pbx.contract.ts holds sim, ARI, ESL and the test
 * fake ManualPbx to them):
 *
 * Link status
 * - Before `start()` and after `stop()`, `status()` is `down`. `start()` moves it to `connecting`
 *   (an adapter whose link is local, the sim, may go straight to `up`). Every later change is
 *   announced by exactly one `status` event, in order, and `status()` already answers the new
 *   value when the event is delivered. Only `up` lets commands through.
 *
 * originate(req)
 * - Resolves once the PBX has the dial (or may have it). From then on exactly one `ended` event
 *   follows for that dialId — from the PBX, or from reconciliation when the channel is found gone.
 * - Rejects (with a `DialerdError`) only when the PBX certainly did not create the call; then no
 *   event follows for that dialId. While the link is not `up` it rejects with
 *   `DIALERD_ERR_PBX_DOWN` and sends nothing.
 * - A dial is never originated twice: the adapter uses our dialId as the channel id/uuid and
 *   never replays an originate after a reconnect. A second `originate()` of a dialId the adapter
 *   still has live RESOLVES without sending anything (the PBX has that call; the caller must not
 *   take a rejection for "no call" and free the number for another dial); the live dial's events
 *   go on as before, still exactly one `ended`. An `originate()` of a dialId that already ended
 *   rejects with `DIALERD_ERR_ORIGINATE_REFUSED` and sends nothing.
 *
 * hangup(dialId)
 * - Unknown or already-ended dialIds are ignored (resolves), whatever the link.
 * - For a live dial: resolves once the PBX accepted the request (or said the channel is already
 *   going); the dial's `ended` follows with `soft: true`. Rejects when the request did not take:
 *   `DIALERD_ERR_PBX_DOWN` while the link is not `up` (nothing is sent), `DIALERD_ERR_HANGUP_FAILED`
 *   when the PBX refused it. After a rejection the dial goes on as if hangup() had not been called:
 *   it ends with its real outcome (`soft: false`), so the caller must not count it as cancelled.
 *
 * Events
 * - Events for one dialId arrive in order: progress* → answered? → amd? → ended.
 * - Every instant (`at` of every event, `EndFacts.answeredAt`) is read from the adapter's Clock
 *   (the daemon's), when the adapter learned the fact; never the PBX's wall clock, which may be
 *   skewed. A PBX timestamp is only used as a difference (FreeSWITCH: answer_uepoch to hangup,
 *   set back from the instant the hangup event arrived).
 * - `liveDials()` answers what the PBX has right now; it rejects with `DIALERD_ERR_PBX_DOWN`
 *   when the link is not `up`.
 *
 * Memory of ends: recallEnds(dialIds) / forgetEnds(dialIds)
 * - The PBX itself keeps how each of our dials ended (cause, SIP code, progress, answer and talk
 *   time), armed by the adapter at originate with nothing from contact data, so that an end no
 *   adapter heard (the daemon was down or restarting, or the link was) is settled with its real
 *   result instead of `lost`.
 * - `recallEnds(ids)` answers `{ at, facts }` for each id whose end the PBX remembers. `at` and
 *   `facts.answeredAt` are on our clock: now, set back by the PBX's own difference between its
 *   clock now and its end (answer) instant. Ids still live, unknown, or not remembered (the PBX
 *   restarted, the dial ended before its memory was armed) are absent. Reading does not forget.
 *   The AMD verdict is remembered with the end: a machine stays a machine after a restart.
 *   Rejects with `DIALERD_ERR_PBX_DOWN` when the link is not `up`.
 * - `forgetEnds(ids)` deletes those memories; the engine calls it once a dial's settle is
 *   persisted (so a crash between the end and the write still finds the memory). Unknown ids are
 *   ignored; rejects with `DIALERD_ERR_PBX_DOWN` when the link is not `up` (the memory then stays:
 *   each is a few hundred bytes, and the PBX drops them when it restarts).
 * - An adapter that held a dial across a link drop and finds it gone when the link is back settles
 *   it from this memory too; only a dial the PBX does not remember ends with `outcomeLost`.
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
 * Clocks: every instant here is on our clock, like the events' `at` (see the port's guarantees
 * above): FreeSWITCH's `answer_uepoch` is used only as a span to its own hangup instant, set back
 * from when the hangup event reached us; an adopted Asterisk dial carries the instant we found it
 * answered.
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
  /** The dial ended after a hangup() of ours reached the PBX (never after one that rejected). */
  soft: boolean;
  /** The originate's own ring timer ended it (FreeSWITCH NO_ANSWER/ALLOTTED_TIMEOUT/PROGRESS_TIMEOUT; Asterisk: no far-end hangup request before the timeout). */
  ringTimeoutHit: boolean;
  /** The PBX made no call of it: FreeSWITCH answered the originate `-ERR` and no event of its channel ever came; ARI: the originate was lost (no channel). */
  originateFailed: boolean;
  /**
   * Answer instant on the adapter's clock, as learned at the end (FreeSWITCH), for an answer no
   * `answered` event may have announced (e.g. answered while the link was down). When both
   * exist, the `answered` event's instant wins.
   */
  answeredAt: number | null;
  /** The channel was found gone after the link came back: how it ended is unknown. */
  outcomeLost: boolean;
  /**
   * The originate was refused because the PBX is not there: set by the engine when the link is down,
   * and by an adapter for a refusal that came after the PBX announced it is shutting down
   * (FreeSWITCH's SHUTDOWN event: its modules unload, originates fail CHAN_NOT_IMPLEMENTED).
   * No evidence about the trunk or the campaign.
   */
  pbxDown?: boolean;
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

/** A dial's end as the PBX remembered it (recallEnds): instants on our clock. */
export interface RecalledEnd {
  at: number;
  facts: EndFacts;
  /** The answering-machine verdict the PBX had for the call (its `amd` event may never have reached us); null: none. */
  amd: { status: string; cause: string | null } | null;
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
  /** Current link status (`down` before start() and after stop()). */
  status(): PbxLinkStatus;
  /** Place a dial (see the header: idempotent for a live dialId, refused for an ended one). */
  originate(req: DialRequest): Promise<void>;
  /** Hang up one of our dials. Unknown or already-ended dialIds are ignored; rejects when the request did not take. */
  hangup(dialId: string): Promise<void>;
  /**
   * The dialIds of ours the PBX has live right now (for reconciliation). Rejects when down.
   * `expected` (the store's live dials, bounded by the caps) are each checked directly by an
   * adapter whose channel list lags its channels (FreeSWITCH's `show channels` lists a new channel
   * ~200 ms late): a dial originated just before a restart is then adopted, not taken for gone.
   */
  liveDials(expected?: readonly string[]): Promise<string[]>;
  /** How the PBX remembers dials of ours ended (see the header); absent ids are not remembered. */
  recallEnds(dialIds: readonly string[]): Promise<Map<string, RecalledEnd>>;
  /** Delete the PBX's memory of these ends (after their settles are persisted). */
  forgetEnds(dialIds: readonly string[]): Promise<void>;
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
