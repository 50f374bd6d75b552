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

/** Facts about the end of a dial, as the PBX reported them. */
export interface EndFacts {
  /** Q.850 cause (Asterisk `cause`, FreeSWITCH `variable_hangup_cause_q850`). */
  q850: number | null;
  /** Final SIP code (Asterisk `tech_cause`, FreeSWITCH `sip_term_status`/`sip_invite_failure_status`). */
  sip: number | null;
  /** FreeSWITCH Hangup-Cause name; null on Asterisk. */
  causeName: string | null;
  /** Human text of the cause (cause_txt), for logs only. */
  causeText: string | null;
  /** The end was a soft hangup request (ours), e.g. Asterisk cause 32 flag. */
  soft: boolean;
  /** The adapter knows the ring timeout expired (FreeSWITCH NO_ANSWER/ALLOTTED_TIMEOUT before answer). */
  ringTimeoutHit: boolean;
  /** The PBX refused the dial / it never left (gateway down, originate -ERR). */
  originateFailed: boolean;
  /** Answer instant if the adapter learned it only at the end (FreeSWITCH answer_uepoch). */
  answeredAt: number | null;
  /** The channel was found gone after the link came back: how it ended is unknown. */
  outcomeLost: boolean;
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
  };
}
