/** The subset of ARI's JSON (Asterisk 22) that dialerd reads. Field names as Asterisk sends them. */

export interface AriChannel {
  id: string;
  name: string;
  /** Down, Rsrvd, OffHook, Dialing, Ring, Ringing, Up, Busy, Dialing Offhook, Pre-ring, Unknown */
  state: string;
  creationtime?: string;
  /** Variables listed in ari.conf `channelvars`. */
  channelvars?: Record<string, string>;
}

interface AriEventBase {
  type: string;
  application?: string;
  timestamp?: string;
}

export type AriEvent =
  | (AriEventBase & { type: 'StasisStart'; channel: AriChannel; args: string[] })
  | (AriEventBase & { type: 'StasisEnd'; channel: AriChannel })
  | (AriEventBase & { type: 'ChannelStateChange'; channel: AriChannel })
  | (AriEventBase & { type: 'Dial'; peer: AriChannel; caller?: AriChannel; dialstatus: string })
  | (AriEventBase & { type: 'ChannelHangupRequest'; channel: AriChannel; cause?: number; soft?: boolean; tech_cause?: number })
  | (AriEventBase & { type: 'ChannelDestroyed'; channel: AriChannel; cause: number; cause_txt?: string; tech_cause?: number })
  /** UserEvent() in the dialplan; `userevent` holds its `key: value` pairs (and eventname). */
  | (AriEventBase & { type: 'ChannelUserevent'; channel: AriChannel; eventname: string; userevent?: Record<string, unknown> })
  | (AriEventBase & { type: 'other'; channel?: AriChannel });

/** The channel an event is about (Dial events name it `peer`). */
export function eventChannel(e: AriEvent): AriChannel | undefined {
  if (e.type === 'Dial') return e.peer;
  return e.channel;
}

/** Parse one WebSocket frame; unknown event types come back as `other`, garbage as null. */
export function parseAriEvent(raw: string): AriEvent | null {
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || typeof (o as { type?: unknown }).type !== 'string') return null;
  const e = o as AriEvent;
  switch (e.type) {
    case 'StasisStart':
    case 'StasisEnd':
    case 'ChannelStateChange':
    case 'ChannelHangupRequest':
    case 'ChannelDestroyed':
      return typeof e.channel?.id === 'string' ? e : null;
    case 'ChannelUserevent':
      // a user event may come from a bridge or endpoint: only a channel's is ours to read
      return typeof e.channel?.id === 'string' && typeof e.eventname === 'string' ? e : { ...(o as object), type: 'other', channel: undefined } as AriEvent;
    case 'Dial':
      return typeof e.peer?.id === 'string' ? e : null;
    default:
      return { ...(o as object), type: 'other' } as AriEvent;
  }
}
