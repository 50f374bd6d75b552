/**
 * The PbxAdapter contract (src/pbx/port.ts), run against every adapter: pbx-sim.test.ts,
 * pbx-esl.test.ts (fake FreeSWITCH on real sockets), pbx-ari.test.ts (fake ARI on real HTTP and
 * WebSocket sockets), pbx-manual.test.ts (the engine tests' ManualPbx) and
 * test/e2e/asterisk/pbx-contract.test.ts (the real Asterisk). "No event follows" is proven with a barrier: a later dial is run to its
 * end first, so anything the adapter still had to say about the earlier one would be out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDialerdError } from '../../src/lib/errors.ts';
import type { DialRequest, PbxAdapter, PbxEvent } from '../../src/pbx/port.ts';
import { Recorder } from '../fakes/esl/recorder.ts';

/** What the far end does: `hold` rings until someone hangs up (far beyond the test). */
export type Outcome = 'answer' | 'busy' | 'no_answer' | 'refuse' | 'hold';

export interface PbxHarness {
  /** Started, link up. */
  pbx: PbxAdapter;
  /** The adapter's clock (harnesses skew it from the PBX's own where they can: instants must follow ours). */
  now(): number;
  /** Another adapter on the same PBX, not started (closed by `close()`). */
  unstarted(): PbxAdapter;
  /**
   * A fresh request (new dialId) whose far end behaves as `outcome`. Outcomes are chosen by
   * number (sim, FreeSWITCH fake) or by endpoint (SIPp per outcome behind Asterisk), so the
   * harness builds the whole request rather than scripting a number.
   */
  request(outcome: Outcome): DialRequest;
  /** Cut the control link for real; the PBX and its calls go on. */
  linkDown(): Promise<void>;
  linkUp(): Promise<void>;
  /** Calls the PBX itself has, or has had where it keeps a record, for this dialId (not asking the adapter). */
  pbxCalls(dialId: string): Promise<number>;
  /** End the dial at the PBX, bypassing the adapter and its link (the far end hangs up). */
  endAtPbx(dialId: string): Promise<void>;
  close(): Promise<void>;
}

type Ended = Extract<PbxEvent, { type: 'ended' }>;
/** progress* → answered? → amd? → ended, nothing after. */
const ORDER = /^(progress )*(answered (amd )?)?ended$/;

export function pbxContract(name: string, makeHarness: () => Promise<PbxHarness>, timeoutMs = 8000): void {
  describe(`PbxAdapter contract: ${name}`, () => {
    let h: PbxHarness;
    let rec: Recorder;

    beforeEach(async () => {
      h = await makeHarness();
      rec = new Recorder(h.pbx);
      expect(h.pbx.status()).toBe('up');
    });
    afterEach(async () => {
      await h.close();
    });

    const types = (dialId: string): string => rec.of(dialId).map((e) => e.type).join(' ');
    /** progress* → answered? → amd? → ended, exactly one ended, nothing after it, instants never going back. */
    const inOrder = (dialId: string): void => {
      expect(types(dialId)).toMatch(ORDER);
      const at = rec.of(dialId).map((e) => e.at);
      expect(at).toEqual([...at].sort((a, b) => a - b));
    };
    const ended = (dialId: string): Promise<Ended> =>
      rec.waitFor((e) => e.type === 'ended' && e.dialId === dialId, `ended ${dialId}`, timeoutMs) as Promise<Ended>;
    const waitType = (dialId: string, type: PbxEvent['type']): Promise<PbxEvent> =>
      rec.waitFor((e) => e.type === type && 'dialId' in e && e.dialId === dialId, `${type} ${dialId}`, timeoutMs);
    const status = (s: string): Promise<PbxEvent> => rec.waitFor((e) => e.type === 'status' && e.status === s && rec.events.indexOf(e) >= mark, `status ${s}`, timeoutMs);
    let mark = 0;
    const markNow = (): void => void (mark = rec.events.length);
    /** Run a later dial to its end: what the adapter had to say about earlier ones is out by then. */
    const barrier = async (): Promise<void> => {
      const req = h.request('busy');
      await h.pbx.originate(req);
      await ended(req.dialId);
    };
    /** A dial that rings until hung up, once the PBX reports it ringing. */
    const ringing = async (): Promise<DialRequest> => {
      const req = h.request('hold');
      await h.pbx.originate(req);
      await waitType(req.dialId, 'progress');
      return req;
    };

    it('status events announce link loss and return, and status() follows them', async () => {
      markNow();
      await h.linkDown();
      const down = await status('down');
      expect(down).toMatchObject({ type: 'status', status: 'down' });
      expect(h.pbx.status()).toBe('down');
      markNow();
      await h.linkUp();
      await status('up');
      expect(h.pbx.status()).toBe('up');
    });

    it('stop() closes the link: a down status, originate rejects with DIALERD_ERR_PBX_DOWN; stop() again is harmless', async () => {
      markNow();
      await h.pbx.stop();
      await status('down');
      expect(h.pbx.status()).toBe('down');
      const err = await h.pbx.originate(h.request('answer')).then(() => null, (e: unknown) => e);
      expect(isDialerdError(err, 'DIALERD_ERR_PBX_DOWN')).toBe(true);
      await h.pbx.stop();
      expect(h.pbx.status()).toBe('down');
    });

    it('while the link is down, originate rejects with DIALERD_ERR_PBX_DOWN, liveDials rejects, and no event follows', async () => {
      markNow();
      await h.linkDown();
      await status('down');
      const req = h.request('answer');
      const err = await h.pbx.originate(req).then(() => null, (e: unknown) => e);
      expect(isDialerdError(err, 'DIALERD_ERR_PBX_DOWN')).toBe(true);
      await expect(h.pbx.liveDials()).rejects.toMatchObject({ code: 'DIALERD_ERR_PBX_DOWN' });
      markNow();
      await h.linkUp();
      await status('up');
      await barrier();
      expect(rec.of(req.dialId)).toEqual([]);
      expect(await h.pbx.liveDials()).not.toContain(req.dialId);
      expect(await h.pbxCalls(req.dialId)).toBe(0);
    });

    it('before start() the link is down; start() announces connecting or up, then up', async () => {
      const other = h.unstarted();
      expect(other.status()).toBe('down');
      const seen: string[] = [];
      const up = new Promise<void>((resolve) =>
        other.on((e) => {
          if (e.type !== 'status') return;
          seen.push(e.status);
          expect(other.status()).toBe(e.status);
          if (e.status === 'up') resolve();
        }),
      );
      await other.start();
      await up;
      expect(seen.join(' ')).toMatch(/^(connecting (down )*)?up$/);
      await other.stop();
      expect(other.status()).toBe('down');
    });

    it('answer: progress* → answered → exactly one ended, with talk time; every instant on the adapter clock', async () => {
      const t0 = h.now();
      const req = h.request('answer');
      await h.pbx.originate(req);
      const end = await ended(req.dialId);
      const t1 = h.now();
      await barrier();
      inOrder(req.dialId);
      expect(types(req.dialId)).toMatch(/answered/);
      const answered = rec.of(req.dialId).find((e) => e.type === 'answered')!;
      expect(end.at).toBeGreaterThan(answered.at);
      expect(end.facts).toMatchObject({ originateFailed: false, ringTimeoutHit: false, soft: false });
      for (const e of rec.of(req.dialId)) expect(e.at >= t0 && e.at <= t1, `${e.type} at ${e.at} not in [${t0}, ${t1}]`).toBe(true);
      const at = end.facts.answeredAt;
      if (at !== null) expect(at >= t0 && at <= end.at, `answeredAt ${at} not in [${t0}, ${end.at}]`).toBe(true);
    });

    it('busy: exactly one ended, never answered, with 486 / Q.850 17 / USER_BUSY', async () => {
      const req = h.request('busy');
      await h.pbx.originate(req);
      const end = await ended(req.dialId);
      await barrier();
      inOrder(req.dialId);
      expect(types(req.dialId)).not.toMatch(/answered/);
      const f = end.facts;
      expect(f.sip === 486 || f.q850 === 17 || f.causeName === 'USER_BUSY').toBe(true);
      expect(f).toMatchObject({ answeredAt: null, originateFailed: false, ringTimeoutHit: false });
    });

    it('no answer: exactly one ended, never answered, as a ring timeout or 480 / Q.850 19', async () => {
      const req = h.request('no_answer');
      await h.pbx.originate(req);
      const end = await ended(req.dialId);
      await barrier();
      inOrder(req.dialId);
      expect(types(req.dialId)).not.toMatch(/answered/);
      const f = end.facts;
      expect(f.ringTimeoutHit || f.sip === 480 || f.q850 === 19).toBe(true);
      expect(f).toMatchObject({ answeredAt: null, originateFailed: false });
    });

    it('a refused originate either rejects and no event follows, or resolves and ends once as originateFailed', async () => {
      // The port: originate() rejects ONLY when the PBX certainly did not create the call. An
      // adapter that learns of the refusal later (FreeSWITCH bgapi) resolves and reports it.
      const req = h.request('refuse');
      const err = await h.pbx.originate(req).then(() => null, (e: unknown) => e);
      if (err !== null) {
        expect(isDialerdError(err, 'DIALERD_ERR_ORIGINATE_REFUSED')).toBe(true);
        await barrier();
        expect(rec.of(req.dialId)).toEqual([]);
        expect(await h.pbxCalls(req.dialId)).toBe(0);
      } else {
        const end = await ended(req.dialId);
        await barrier();
        expect(types(req.dialId)).toMatch(/^(progress )*ended$/);
        expect(end.facts).toMatchObject({ originateFailed: true, answeredAt: null });
      }
      expect(await h.pbx.liveDials()).not.toContain(req.dialId);
    });

    it('hangup of an unknown dialId is ignored; of a live one ends it once, soft; again after the end is ignored', async () => {
      await h.pbx.hangup('never-originated-0000');
      const req = await ringing();
      await h.pbx.hangup(req.dialId);
      const end = await ended(req.dialId);
      expect(end.facts).toMatchObject({ soft: true, ringTimeoutHit: false, answeredAt: null });
      await h.pbx.hangup(req.dialId);
      await barrier();
      inOrder(req.dialId);
      expect(rec.events.some((e) => 'dialId' in e && e.dialId === 'never-originated-0000')).toBe(false);
    });

    it('liveDials() lists exactly our live dials, as they start and end', async () => {
      expect(await h.pbx.liveDials()).toEqual([]);
      const a = await ringing();
      const b = await ringing();
      expect((await h.pbx.liveDials()).sort()).toEqual([a.dialId, b.dialId].sort());
      await h.pbx.hangup(a.dialId);
      await ended(a.dialId);
      expect(await h.pbx.liveDials()).toEqual([b.dialId]);
      await h.pbx.hangup(b.dialId);
      await ended(b.dialId);
      expect(await h.pbx.liveDials()).toEqual([]);
    });

    it('a dial is never originated twice: a live dialId resolves and sends nothing, an ended one is refused', async () => {
      const req = await ringing();
      // The PBX has this call: a rejection would read as "no call" and free the number.
      await h.pbx.originate(req);
      expect(await h.pbxCalls(req.dialId)).toBe(1);
      expect(await h.pbx.liveDials()).toEqual([req.dialId]);
      await h.pbx.hangup(req.dialId);
      await ended(req.dialId);
      const again = await h.pbx.originate(req).then(() => null, (e: unknown) => e);
      expect(isDialerdError(again, 'DIALERD_ERR_ORIGINATE_REFUSED')).toBe(true);
      await barrier();
      inOrder(req.dialId);
      expect(await h.pbxCalls(req.dialId)).toBeLessThanOrEqual(1);
      expect(await h.pbx.liveDials()).not.toContain(req.dialId);
    });

    it('while the link is down, hangup of a live dial rejects with DIALERD_ERR_PBX_DOWN (unknown ones are ignored) and the dial keeps its real end', async () => {
      const req = await ringing();
      markNow();
      await h.linkDown();
      await status('down');
      await expect(h.pbx.hangup(req.dialId)).rejects.toMatchObject({ code: 'DIALERD_ERR_PBX_DOWN' });
      await h.pbx.hangup('never-originated-0001');
      // A second originate of the live dial is still no new call, even with the link down.
      await h.pbx.originate(req);
      await h.endAtPbx(req.dialId);
      markNow();
      await h.linkUp();
      await status('up');
      const end = await ended(req.dialId);
      expect(end.facts.soft).toBe(false);
      await barrier();
      inOrder(req.dialId);
      expect(await h.pbxCalls(req.dialId)).toBeLessThanOrEqual(1);
    });

    it('a dial that lives through a link loss still ends exactly once', async () => {
      const req = await ringing();
      markNow();
      await h.linkDown();
      await status('down');
      markNow();
      await h.linkUp();
      await status('up');
      expect(await h.pbx.liveDials()).toEqual([req.dialId]);
      await h.pbx.hangup(req.dialId);
      await ended(req.dialId);
      await barrier();
      inOrder(req.dialId);
    });

    it('a dial that ends while the link is down ends exactly once, at the latest when the link returns', async () => {
      const req = await ringing();
      markNow();
      await h.linkDown();
      await status('down');
      await h.endAtPbx(req.dialId);
      markNow();
      await h.linkUp();
      await status('up');
      const end = await ended(req.dialId);
      // The PBX remembered how it ended (the far end hung up): not a lost outcome.
      expect(end.facts.outcomeLost).toBe(false);
      expect(end.facts.soft).toBe(false);
      await barrier();
      inOrder(req.dialId);
      expect(await h.pbx.liveDials()).toEqual([]);
    });

    it('the PBX remembers an ended dial until forgotten; live, unknown and forgotten ids are absent', async () => {
      const req = h.request('busy');
      await h.pbx.originate(req);
      const end = await ended(req.dialId);
      const live = await ringing();
      const mem = await h.pbx.recallEnds([req.dialId, live.dialId, 'never-originated-0002']);
      expect([...mem.keys()]).toEqual([req.dialId]);
      const got = mem.get(req.dialId)!;
      expect({ q850: got.facts.q850, sip: got.facts.sip, outcomeLost: got.facts.outcomeLost }).toEqual({ q850: end.facts.q850, sip: end.facts.sip, outcomeLost: false });
      expect(Math.abs(got.at - end.at)).toBeLessThanOrEqual(2000);
      expect(got.at).toBeLessThanOrEqual(h.now());
      // Reading does not forget; forgetting does, and unknown ids are ignored.
      expect((await h.pbx.recallEnds([req.dialId])).has(req.dialId)).toBe(true);
      await h.pbx.forgetEnds([req.dialId, 'never-originated-0003']);
      expect((await h.pbx.recallEnds([req.dialId])).size).toBe(0);
      await h.pbx.hangup(live.dialId);
      await ended(live.dialId);
    });

    it('an answered dial that ends while the link is down is remembered with its answer and talk time on our clock', async () => {
      const req = h.request('answer');
      await h.pbx.originate(req);
      const answered = await waitType(req.dialId, 'answered');
      markNow();
      await h.linkDown();
      await status('down');
      await expect(h.pbx.recallEnds([req.dialId])).rejects.toMatchObject({ code: 'DIALERD_ERR_PBX_DOWN' });
      await h.endAtPbx(req.dialId);
      markNow();
      await h.linkUp();
      await status('up');
      const end = await ended(req.dialId);
      const got = (await h.pbx.recallEnds([req.dialId])).get(req.dialId)!;
      expect(got.facts.answeredAt).not.toBeNull();
      expect(Math.abs(got.facts.answeredAt! - answered.at)).toBeLessThanOrEqual(2000);
      expect(got.at).toBeGreaterThanOrEqual(got.facts.answeredAt!);
      expect(end.facts.outcomeLost).toBe(false);
      await h.pbx.forgetEnds([req.dialId]);
    });
  });
}
