/**
 * AMD on the real FreeSWITCH with real audio (issue 11): the repository's dialplan
 * (dialplan/freeswitch/dialerd.xml, installed as a user would: conf/dialplan/dialerd.xml, then
 * reloadxml), extension `dialerd_avmd` (mod_avmd). The carrier answers and streams a synthesized
 * voicemail greeting ending in a 1 s 1000 Hz beep → `machine`; a person talking, no beep → `answered`.
 */
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapResult } from '../../../src/domain/results.ts';
import { realScheduler } from '../../../src/lib/clock.ts';
import { createEslAdapter } from '../../../src/pbx/esl/adapter.ts';
import type { PbxAdapter } from '../../../src/pbx/port.ts';
import { Collector } from '../shared/collector.ts';
import { dialRequest, logger } from '../shared/fixtures.ts';
import type { Sipp } from '../shared/sipp.ts';
import type { Branch } from '../shared/sipp-carrier.ts';
import { until } from '../../helpers/until.ts';
import { CACHE, ESL, FS_DIR, endpointFor, fsApi, startCarrier } from './harness.ts';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const AUDIO = path.join(CACHE, 'audio');
const REPO = path.resolve(HERE, '../../..');

const CASES = {
  voicemail: { branch: { suffix: '401', kind: 'answer', holdMs: 20_000, audio: `${AUDIO}/voicemail.ul` }, result: 'machine' },
  speech: { branch: { suffix: '402', kind: 'answer', holdMs: 20_000, audio: `${AUDIO}/speech.ul` }, result: 'answered' },
} as const satisfies Record<string, { branch: Branch; result: string }>;

describe('AMD on a real FreeSWITCH: mod_avmd hears a voicemail beep', () => {
  let adapter: PbxAdapter;
  let col: Collector;
  let carrier: Sipp;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    await promisify(execFile)(path.join(HERE, 'make-audio.sh'), [AUDIO], { timeout: 120_000 });
    copyFileSync(path.join(REPO, 'dialplan/freeswitch/dialerd.xml'), path.join(FS_DIR, 'conf/dialplan/dialerd.xml'));
    expect(await fsApi('reloadxml')).toMatch(/\+OK/);
    // + a ring branch never dialled: SIPp refuses a scenario whose variables go unused
    carrier = await startCarrier('amd', [...Object.values(CASES).map((c) => c.branch), { suffix: '100', kind: 'ring' }], 200);
    adapter = createEslAdapter({ name: 'fs1', ...ESL }, { clock: realScheduler, logger });
    col = new Collector(adapter);
    await adapter.start();
    await until(() => adapter.status() === 'up', 'ESL link up', 10_000);
    for (const [name, c] of Object.entries(CASES)) {
      const number = `+1555000${c.branch.suffix}`;
      const req = dialRequest(endpointFor(number), {
        number, callerId: '5550001', ringTimeoutSeconds: 10,
        amd: { enabled: true, params: { max_wait_ms: 7000 } },
        onAnswer: { context: 'dialerd', extension: 'dialerd_avmd', priority: 1 },
      });
      ids.set(name, req.dialId);
      col.started.set(req.dialId, Date.now());
      await adapter.originate(req);
    }
    await Promise.all([...ids.values()].map((id) => col.waitEnded(id, 30_000)));
  });

  afterAll(async () => {
    await adapter?.stop();
    await carrier?.stop();
  });

  it.each(Object.entries(CASES))('%s', (name, c) => {
    const id = ids.get(name)!;
    const raw = col.raw(id);
    expect(raw.answered).toBe(true);
    if (c.result === 'machine') expect({ status: raw.amdStatus, cause: raw.amdCause }).toEqual({ status: 'MACHINE', cause: 'BEEP' });
    else expect(raw.amdStatus).toBeNull();
    expect(mapResult(raw, { shortCallSeconds: 2, overrides: { sip: {}, q850: {} } }).result).toBe(c.result);
    expect(col.endedCount(id)).toBe(1);
  });
});
