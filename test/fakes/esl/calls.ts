/**
 * The fake switch's calls: `bgapi originate` parsed as FreeSWITCH reads it, then the scripted
 * life of the channel (progress → answer → AMD → hangup, or a SIP failure, or a refusal).
 */
import { parseOriginateArgs } from '../../helpers/fs-originate.ts';
import { events, type ChannelInfo, type Ev } from './events.ts';
import { sofiaCause } from './sofia.ts';

/** What the far end does when this number is dialled. Times in ms from the originate. */
export interface NumberScript {
  progressMs?: number;
  /** Answer after this long… */
  answerAfterMs?: number;
  /** …and hang up (NORMAL_CLEARING, 200) after this much talk. */
  talkMs?: number;
  /** AMD verdict after answer: mod_avmd beep event, mod_amd CUSTOM event, or only a channel variable on hangup. */
  amd?: { via: 'avmd' | 'amd_event' | 'amd_var'; status: string; cause?: string };
  /** Final SIP response after ringMs (sofia maps it to a cause name). */
  sip?: number;
  ringMs?: number;
  /** FreeSWITCH ends it itself with this cause after ringMs, no SIP code (e.g. NO_ANSWER on ring timeout). */
  cause?: string;
  /** No channel at all: BACKGROUND_JOB `-ERR <refuse>` (GATEWAY_DOWN, INVALID_GATEWAY…). */
  refuse?: string;
  /** Rings until killed. */
  hold?: boolean;
}

interface Call {
  info: ChannelInfo;
  job: string;
  command: string;
  answeredMs: number | null;
  progressMs: number | null;
  timers: NodeJS.Timeout[];
}

export interface CallBookDeps {
  script(number: string): NumberScript;
  jobOrder: 'job-first' | 'hangup-first' | 'random';
  random(): number;
  publish(build: (nowMs: number, seq: number) => Ev): void;
  /** How far `show channels` lags behind new and ended channels (see FakeEslOptions). */
  channelListLag: { newMs: number; endedMs: number };
}

/** `{a=1,b=2}sofia/gw/x/+1 1000 XML ctx` → vars, endpoint, read as FreeSWITCH reads them. */
export function parseOriginate(args: string): { vars: Record<string, string>; endpoint: string } | null {
  const p = parseOriginateArgs(args);
  return p === null ? null : { vars: Object.fromEntries(p.vars), endpoint: p.endpoint };
}

/**
 * FreeSWITCH's `{…}` check (switch_ivr_originate.c `check_vars`): a value holding `${` is refused
 * (not set) unless the originate text says `origination_nested_vars=true`.
 */
function checkedVars(vars: Record<string, string>, text: string): Record<string, string> {
  if (vars['origination_nested_vars'] === 'true' || text.toLowerCase().includes('origination_nested_vars=true')) return vars;
  return Object.fromEntries(Object.entries(vars).filter(([, v]) => !/\$\\*\{/.test(v)));
}

/** switch_event_expand_headers over the hangup event's channel variables: `${name}` → value, unknown → empty. */
function expand(text: string, ev: Ev): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => ev[`variable_${name}`] ?? '');
}

export class CallBook {
  readonly live = new Map<string, Call>();
  /** FreeSWITCH's global variables (`global_setvar` / `global_getvar`, mod_commands). */
  readonly globals = new Map<string, string>();
  /** Every origination_uuid received, in order (a replay would show twice). */
  readonly originated: string[] = [];
  duplicates = 0;
  /** The switch is shutting down: originates fail, as with its endpoint modules unloaded. */
  private down = false;
  peakLive = 0;
  private readonly stray: NodeJS.Timeout[] = [];
  /** What `show channels` lists: a channel from `from` until `to` (ms epoch). */
  private readonly listed = new Map<string, { call: Call; from: number; to: number | null }>();

  constructor(private readonly d: CallBookDeps) {}

  isLive(uuid: string): boolean {
    return this.live.has(uuid);
  }

  bgapi(job: string, command: string): void {
    const [verb = '', ...rest] = command.split(' ');
    if (this.down) return this.later(1, () => this.job(job, command, '-ERR CHAN_NOT_IMPLEMENTED\n'));
    const parsed = verb === 'originate' ? parseOriginate(rest.join(' ')) : null;
    // The session keeps its uuid in 37 bytes (switch_core_pvt.h): a longer one is cut, as here.
    const uuid = parsed?.vars['origination_uuid']?.slice(0, 36);
    if (!parsed || !uuid) return this.later(1, () => this.job(job, command, '-ERR INVALID_URL\n'));
    this.originated.push(uuid);
    if (this.live.has(uuid)) {
      // FreeSWITCH cannot create a second channel with the same uuid.
      this.duplicates++;
      return this.later(1, () => this.job(job, command, '-ERR NORMAL_TEMPORARY_FAILURE\n'));
    }
    const number = parsed.endpoint.split('/').pop() ?? '';
    const s = this.d.script(number);
    if (s.refuse) return this.later(1, () => this.job(job, command, `-ERR ${s.refuse}\n`));
    const call: Call = { info: { uuid, number, vars: checkedVars(parsed.vars, command), createdUs: Date.now() * 1000 }, job, command, answeredMs: null, progressMs: null, timers: [] };
    this.live.set(uuid, call);
    this.listed.set(uuid, { call, from: Date.now() + this.d.channelListLag.newMs, to: null });
    this.peakLive = Math.max(this.peakLive, this.live.size);
    const at = (ms: number, fn: () => void): void => {
      call.timers.push(setTimeout(fn, ms));
    };
    at(s.progressMs ?? 1, () => {
      call.progressMs = Date.now();
      this.d.publish((t, q) => events.progress(call.info, t, q));
    });
    if (s.answerAfterMs !== undefined) {
      at(s.answerAfterMs, () => {
        call.answeredMs = Date.now();
        this.d.publish((t, q) => events.answer(call.info, t, q));
        this.job(job, command, `+OK ${uuid}\n`);
        const amd = s.amd;
        if (amd?.via === 'avmd' && amd.status === 'MACHINE') {
          // mod_avmd also leaves avmd_detect=TRUE on the channel: the hangup event carries it.
          call.info.vars['avmd_detect'] = 'TRUE';
          this.d.publish((t, q) => events.beep(call.info, t, q));
        }
        if (amd?.via === 'amd_event') {
          // mod_amd sets its verdict as channel variables too (the hangup event and api_hangup_hook see them).
          call.info.vars['amd_result'] = amd.status;
          call.info.vars['amd_cause'] = amd.cause ?? '';
          this.d.publish((t, q) => ({ ...events.beep(call.info, t, q), 'Event-Subclass': 'amd::info', 'Beep-Status': '', amd_result: amd.status, amd_cause: amd.cause ?? '' }));
        }
        at(s.answerAfterMs! + (s.talkMs ?? 0), () => {
          const extra: Ev = amd?.via === 'amd_var' ? { variable_amd_result: amd.status, variable_amd_cause: amd.cause ?? '' } : {};
          this.end(call, 'NORMAL_CLEARING', 200, extra);
        });
      });
    } else if (s.sip !== undefined) {
      at(s.ringMs ?? 1, () => this.fail(call, sofiaCause(s.sip!), s.sip!));
    } else if (s.cause !== undefined) {
      at(s.ringMs ?? 1, () => this.fail(call, s.cause!, null));
    }
  }

  /**
   * The api commands of mod_commands the hangup hook and dialerd use on globals:
   * `global_setvar a=b` (an empty b deletes; a=b=c sets a to b only when it is c), `global_getvar a`.
   */
  globalApi(name: string, arg: string): string {
    if (name === 'global_getvar') return this.globals.get(arg.trim()) ?? '';
    const [k = '', v = '', cond] = arg.split('=');
    if (k === '') return '-USAGE: <var>=<value>\n';
    if (cond !== undefined && cond !== '' && this.globals.get(k) !== cond) return '+OK';
    if (v === '') this.globals.delete(k);
    else this.globals.set(k, v);
    return '+OK';
  }

  /** FreeSWITCH shutting down: every call ends SYSTEM_SHUTDOWN, later originates are refused. */
  shutdown(): void {
    this.down = true;
    for (const c of [...this.live.values()]) this.kill(c.info.uuid, 'SYSTEM_SHUTDOWN');
  }

  /** uuid_getvar: the value, `_undef_`, or null when there is no such channel. */
  getVar(uuid: string, name: string): string | null {
    const call = this.live.get(uuid);
    if (!call) return null;
    return call.info.vars[name] ?? '_undef_';
  }

  /** uuid_setvar: false when there is no such channel. */
  setVar(uuid: string, name: string, value: string): boolean {
    const call = this.live.get(uuid);
    if (!call || name === '') return false;
    call.info.vars[name] = value;
    return true;
  }

  /** uuid_kill: false when there is no such channel. */
  kill(uuid: string, cause = 'NORMAL_CLEARING'): boolean {
    const call = this.live.get(uuid);
    if (!call) return false;
    if (call.answeredMs !== null) this.end(call, cause, null, {});
    else this.fail(call, cause, null);
    return true;
  }

  showChannelsJson(): string {
    const now = Date.now();
    for (const [uuid, l] of this.listed) if (l.to !== null && l.to <= now) this.listed.delete(uuid);
    const listed = [...this.listed.values()].filter((l) => l.from <= now).map((l) => l.call);
    if (listed.length === 0) return '{"row_count":0}';
    const rows = listed.map((c) => ({
      uuid: c.info.uuid,
      direction: 'outbound',
      created_epoch: String(Math.floor(c.info.createdUs / 1e6)),
      name: `sofia/gateway/fake/${c.info.number}`,
      state: c.answeredMs === null ? 'CS_CONSUME_MEDIA' : 'CS_EXECUTE',
      callstate: c.answeredMs === null ? 'EARLY' : 'ACTIVE',
      dest: c.info.number,
    }));
    return JSON.stringify({ row_count: rows.length, rows });
  }

  clear(): void {
    for (const c of this.live.values()) c.timers.forEach(clearTimeout);
    this.stray.forEach(clearTimeout);
    this.live.clear();
    this.listed.clear();
  }

  private later(ms: number, fn: () => void): void {
    this.stray.push(setTimeout(fn, ms));
  }

  private job(job: string, command: string, result: string): void {
    this.d.publish((t, q) => events.job(job, command, result, t, q));
  }

  private end(call: Call, cause: string, sip: number | null, extra: Ev): void {
    call.timers.forEach(clearTimeout);
    const endMs = Date.now();
    const hangup = (q: number): Ev => events.hangup(call.info, { cause, sip, answeredMs: call.answeredMs, progressMs: call.progressMs, extra }, endMs, q);
    // The hangup state runs api_hangup_hook while the channel still exists, before CHANNEL_HANGUP_COMPLETE.
    const hook = call.info.vars['api_hangup_hook'];
    if (hook) {
      const at = hook.indexOf(' ');
      const verb = at < 0 ? hook : hook.slice(0, at);
      if (verb === 'global_setvar') this.globalApi(verb, expand(hook.slice(at + 1), hangup(0)));
    }
    this.live.delete(call.info.uuid);
    const row = this.listed.get(call.info.uuid);
    if (row) row.to = endMs + this.d.channelListLag.endedMs;
    this.d.publish((_, q) => hangup(q));
  }

  /** An unanswered end: hangup event and BACKGROUND_JOB -ERR, in either order. */
  private fail(call: Call, cause: string, sip: number | null): void {
    const jobFirst = this.d.jobOrder === 'job-first' || (this.d.jobOrder === 'random' && this.d.random() < 0.5);
    if (jobFirst) this.job(call.job, call.command, `-ERR ${cause}\n`);
    this.end(call, cause, sip, {});
    if (!jobFirst) this.job(call.job, call.command, `-ERR ${cause}\n`);
  }
}
