/**
 * POST /channels/{id}: our own channel id per dial, so nothing can create the same call twice.
 * A 409 means the id is taken by another channel (never by an earlier try of ours: we do not
 * replay an originate whose fate is unknown), so it is retried with a fresh id.
 */
import { asteriskVarName, dialVars } from '../../domain/vars.ts';
import { DialerdError } from '../../lib/errors.ts';
import type { DialRequest } from '../port.ts';
import { amdParamString } from './amd.ts';
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
}

export function originateBody(req: DialRequest, app: string): { query: Record<string, string>; body: unknown } {
  const query: Record<string, string> = {
    endpoint: req.endpoint,
    app,
    appArgs: 'dialed',
    timeout: String(Math.max(1, Math.round(req.ringTimeoutSeconds))),
  };
  if (req.callerId) query.callerId = req.callerId;
  // Contact variables only under DIALERD_VAR_ (domain/vars.ts): never a dialplan function such as
  // CALLERID(num), never one of ours. Values travel in JSON, so any text is safe there.
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(dialVars(req.vars))) variables[asteriskVarName(k)] = v;
  variables.DIALERD_APP = app;
  variables.DIALERD_DIAL = req.dialId;
  if (req.amd.enabled) variables.AMD_PARAMS = amdParamString(req.amd.params).value;
  return { query, body: { variables } };
}

export async function originate(req: DialRequest, d: OriginateDeps): Promise<OriginateOutcome> {
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
    throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', errorMessage(r));
  }
  throw new DialerdError('DIALERD_ERR_ORIGINATE_REFUSED', `channel id ${req.dialId} taken ${MAX_ID_COLLISIONS + 1} times`);
}
