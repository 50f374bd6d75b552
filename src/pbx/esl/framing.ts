/**
 * mod_event_socket wire framing: a block of `Name: value` header lines ended by an empty line,
 * then exactly `Content-Length` bytes of body when that header is present. Incremental: feed
 * it whatever the socket delivers (any split, any coalescing) and it hands back whole frames.
 */

export interface EslFrame {
  /** Outer headers (Content-Type, Reply-Text, Job-UUID…). */
  headers: Record<string, string>;
  /** The body, decoded as UTF-8 ('' when there is none). */
  body: string;
}

/** The stream cannot be resynchronised (bogus Content-Length, endless header block): drop the link. */
export class EslFramingError extends Error {
  override readonly name = 'EslFramingError';
}

const MAX_HEADER_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const BLANK = Buffer.from('\n\n');

/** Parse `Name: value` lines. Values are returned as sent; `decode` URL-decodes them. */
export function parseHeaderLines(text: string, decode = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const l = line.endsWith('\r') ? line.slice(0, -1) : line;
    const at = l.indexOf(': ');
    if (at <= 0) continue;
    const v = l.slice(at + 2);
    out[l.slice(0, at)] = decode ? urlDecode(v) : v;
  }
  return out;
}

/** FreeSWITCH URL-encodes plain event values; a stray `%` must not throw. */
export function urlDecode(v: string): string {
  if (!v.includes('%')) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);
  private pending: { headers: Record<string, string>; length: number } | null = null;

  /** Bytes held waiting for the rest of a frame. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Feed bytes; returns every frame completed by them. Throws EslFramingError when the stream is lost. */
  push(chunk: Buffer): EslFrame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: EslFrame[] = [];
    for (;;) {
      if (this.pending) {
        if (this.buf.length < this.pending.length) break;
        const body = this.buf.subarray(0, this.pending.length).toString('utf8');
        this.buf = this.buf.subarray(this.pending.length);
        frames.push({ headers: this.pending.headers, body });
        this.pending = null;
        continue;
      }
      // Blank lines between frames carry nothing.
      let start = 0;
      while (start < this.buf.length && (this.buf[start] === 0x0a || this.buf[start] === 0x0d)) start++;
      if (start > 0) this.buf = this.buf.subarray(start);
      const end = this.buf.indexOf(BLANK);
      if (end < 0) {
        if (this.buf.length > MAX_HEADER_BYTES) throw new EslFramingError(`header block over ${MAX_HEADER_BYTES} bytes`);
        break;
      }
      const raw = this.buf.subarray(0, end).toString('utf8');
      this.buf = this.buf.subarray(end + 2);
      let headers = parseHeaderLines(raw);
      // Outbound-mode CHANNEL_DATA replies arrive with every header URL-encoded.
      if (headers['Reply-Text']?.startsWith('%')) headers = parseHeaderLines(raw, true);
      const cl = headers['Content-Length'];
      if (cl === undefined) {
        frames.push({ headers, body: '' });
        continue;
      }
      if (!/^\d{1,9}$/.test(cl) || Number(cl) > MAX_BODY_BYTES) throw new EslFramingError(`bad Content-Length ${JSON.stringify(cl.slice(0, 20))}`);
      this.pending = { headers, length: Number(cl) };
    }
    return frames;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
    this.pending = null;
  }
}
