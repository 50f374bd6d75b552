/**
 * POST /channels/{id}: our own channel id per dial, so nothing can create the same call twice.
 * A 409 means the id is taken by another channel (never by an earlier try of ours: we do not
 * replay an originate whose fate is unknown), so it is retried with a fresh id.
 *
 * The call goes into the dialplan ([dialerd-originate], dialplan/asterisk/dialerd-originate.conf),
 * not into our Stasis app: an answer while dialerd is away still reaches AMD and `on_answer`.
 * dialerd follows it through the events WebSocket's subscribeAll (connection.ts), and the hangup
 * handler pushed here remembers its end (end-memory.ts).
 */
import { asteriskVarName, dialVars } from '../../domain/vars.ts';
import { DialerdError } from '../../lib/errors.ts';
import type { DialRequest } from '../port.ts';
import { amdParamString } from './amd.ts';
import { END_HANDLER, isSafeDialId } from './end-memory.ts';
import { AriTransportError, errorMessage, type AriRest } from './rest.ts';

/** The outcome the adapter acts on. `unknown`: Asterisk may have the call (timeout, reset). */
export type OriginateOutcome = { kind: 'created'; channelId: string } | { kind: 'unknown'; channelId: string; reason: string };

export const MAX_ID_COLLISIONS = 3;

export interface OriginateDeps {
  rest: AriRest;
  app: string;
  /** Called before each POST with the channel id it will use (events may beat the response). */
  claim: (channelId: string) => void;
  /** Called when a channel id will certainly not be used. */
  release: (channelId: string) => void;
  onUnknownParams: (names: string[]) => void;
  /**
   * After a 5xx: is Asterisk going away? While it shuts down it refuses every new channel (500
   * "Allocation failed") just before its WebSocket closes; such a refusal is the PBX's, not the trunk's.
   */
  goingAway: () => Promise<boolean>;
}

/** The dialplan context every dial is originated into. */
export const ORIGINATE_CONTEXT = 'dialerd-originate';
/**
 * `on_answer` reaches the dialplan as the arguments of Goto(): a comma, parenthesis, `$`, `;` or
 * space would reshape it, so only these characters pass.
 */
const DIALPLAN_CONTEXT = /^[A-Za-z0-9_-]{1,79}$/;
const DIALPLAN_EXTEN = /^[A-Za-z0-9_+*#.-]{1,79}$/;

/** Why this request cannot be originated as it is (null: it can). */
function refusal(req: DialRequest): string | null {
  if (!isSafeDialId(req.dialId)) return `dial id ${JSON.stringify(req.dialId.slice(0, 40))} has characters Asterisk variable names cannot carry`;
  const to = req.onAnswer;
  if (!DIALPLAN_CONTEXT.test(to.context)) return `on_answer.context ${JSON.stringify(to.context.slice(0, 40))}: only letters, digits, _ and - are allowed`;
  if (!DIALPLAN_EXTEN.test(to.extension)) return `on_answer.extension ${JSON.stringify(to.extension.slice(0, 40))}: only letters, digits and _ + * # . - are allowed`;
  if (!Number.isInteger(to.priority) || to.priority < 1) return `on_answer.priority ${to.priority} is not a positive integer`;
  return null;
}

export function originateBody(req: DialRequest, app: string): { query: Record<string, string>; body: unknown } {
  const query: Record<string, string> = {
    endpoint: req.endpoint,
    context: ORIGINATE_CONTEXT,
    extension: 's',
    priority: '1',
    timeout: String(Math.max(1, Math.round(req.ringTimeoutSeconds))),
  };
  if (req.callerId) query.callerId = req.callerId;
  // Contact variables only under DIALERD_VAR_ (domain/vars.ts): never a dialplan function such as
  // CALLERID(num), never one of ours. Values travel in JSON, so any text is safe there.
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(dialVars(req.vars))) variables[asteriskVarName(k)] = v;
  variables.DIALERD_APP = app;
  variables.DIALERD_DIAL = req.dialId;
  variables.DIALERD_ON_CONTEXT = req.onAnswer.context;
  variables.DIALERD_ON_EXTEN = req.onAnswer.extension;
  variables.DIALERD_ON_PRIORITY = String(req.onAnswer.priority);
  if (req.amd.enabled) {
    variables.DIALERD_AMD = '1';
    variables.AMD_PARAMS = amdParamString(req.amd.params).value;
  }
  variables['CHANNEL(hangup_handler_push)'] = END_HANDLER;
  return { query, body: { variables } };
}

export async function originate(req: DialRequest, d: OriginateDeps): Promise<OriginateOutcome> {
  const refused = refusal(req);
  if (refused) throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', refused);
  const { query, body } = originateBody(req, d.app);
  const unknown = req.amd.enabled ? amdParamString(req.amd.params).unknown : [];
  if (unknown.length) d.onUnknownParams(unknown);
  for (let n = 0; n <= MAX_ID_COLLISIONS; n++) {
    const channelId = n === 0 ? req.dialId : `${req.dialId}.${n}`;
    d.claim(channelId);
    let r;
    try {
      r = await d.rest.call('POST', `/channels/${encodeURIComponent(channelId)}`, { query, body });
    } catch (err) {
      if (err instanceof AriTransportError && err.notSent) {
        d.release(channelId);
        throw new DialerdError('DIALERD_ERR_PBX_DOWN', `${err.detail}`, { cause: err });
      }
      return { kind: 'unknown', channelId, reason: err instanceof Error ? err.message : String(err) };
    }
    if (r.status === 200) return { kind: 'created', channelId };
    d.release(channelId);
    if (r.status === 409) continue;
    if (r.status === 401 || r.status === 403) throw new DialerdError('DIALERD_ERR_PBX_AUTH', errorMessage(r));
    if (r.status >= 500 && (await d.goingAway())) throw new DialerdError('DIALERD_ERR_PBX_DOWN', `Asterisk is going away: ${errorMessage(r)}`);
    throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', errorMessage(r));
  }
  throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', `channel id ${req.dialId} taken ${MAX_ID_COLLISIONS + 1} times`);
}
