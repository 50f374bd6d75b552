/**
 * Issue 8, on the real FreeSWITCH: a contact list whose columns are FreeSWITCH channel-variable
 * names with hostile values is dialled through the whole daemon, and none of them has any effect.
 * `api_hangup_hook` would run a shell command when the call ends, `execute_on_answer` would place
 * a second call through the carrier, `origination_caller_id_number` would spoof the caller ID.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONE_DIAL_RULES } from '../../helpers/daemon-fixture.ts';
import type { Observed } from '../shared/daemon.ts';
import type { Sipp } from '../shared/sipp.ts';
import { until } from '../../helpers/until.ts';
import { startDaemon, writeConfig } from './daemon-env.ts';
import { invitesReceived, startCarrier } from './harness.ts';

const CALLER_ID = '+15550009999';
/** Answered by the carrier (suffix 200), which hangs up after 1 s. */
const NUMBER = '+442079460200';

describe('contact columns named like FreeSWITCH variables (issue 8)', () => {
  let carrier: Sipp;
  let o: Observed | null = null;
  const pwned = `/tmp/dialerd-pwned-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    carrier = await startCarrier('hostile-vars', [
      { suffix: '200', kind: 'answer', holdMs: 1000 },
      // what `execute_on_answer` would bridge to: answered too, so a second call is plain to see
      { suffix: '000', kind: 'answer', holdMs: 500 },
      { suffix: '100', kind: 'ring' },
    ]);
  });
  afterAll(async () => {
    await o?.daemon.stop(0);
    await carrier?.stop();
    rmSync(pwned, { force: true });
  });

  it('have no effect: no shell command, the campaign caller ID, exactly one INVITE', async () => {
    const csv = `id,phone,api_hangup_hook,execute_on_answer,origination_caller_id_number
h1,${NUMBER},system touch ${pwned},bridge sofia/gateway/carrier/5550000,666
`;
    const cfg = writeConfig({
      hostile: {
        csv,
        yaml: `caller_id: "${CALLER_ID}"\nconcurrency: 1\nring_timeout: 10s\nattempts: { per_record: 1, short_call: 0s }\ncomplete_when_done: true\n${ONE_DIAL_RULES}`,
      },
    });
    o = await startDaemon(cfg);
    const obs = o;
    // The record is final once the adapter saw CHANNEL_HANGUP_COMPLETE (hangup hooks run before it).
    await until(() => obs.finals.length === 1, 'the record final', 30_000);
    // A hook still running would have created the file by now.
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline && !existsSync(pwned)) await new Promise((r) => setTimeout(r, 50));

    const invites = invitesReceived(carrier);
    expect(obs.dials.map((d) => d.result)).toEqual(['answered']);
    expect({
      shellCommandRan: existsSync(pwned),
      invites: invites.map((i) => i.ruri),
      callerId: invites.map((i) => /<sip:([^@>]*)@/.exec(i.from)?.[1]),
    }).toEqual({
      shellCommandRan: false,
      invites: [`sip:${NUMBER}@127.0.0.1:5090`],
      callerId: [CALLER_ID],
    });
  });
});
