/**
 * Do-not-call lists change while a campaign runs: a number added to the list on disk is not
 * dialed afterwards (checked at dial time, the file re-read within the refresh interval).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadDaemonConfig } from '../../src/config/load-daemon.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import type { FinalEvent } from '../../src/engine/types.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { campaignYaml, contactsCsv, makeFixture } from '../helpers/daemon-fixture.ts';
import { until } from '../helpers/until.ts';

const f = makeFixture({ redisUrl: null });
afterAll(() => f.remove());

it('a number added to the DNC file while the campaign runs is blocked at its dial time', async () => {
  f.writeContacts('contacts.csv', contactsCsv(3)); // +79160000000 .. +79160000002, dialed one at a time
  const dnc = path.join(f.dir, 'dnc.txt');
  writeFileSync(dnc, '# nothing yet\n');
  f.writeCampaign('c', campaignYaml({ id: 'c', contacts: 'contacts.csv', concurrency: 1, dnc: ['dnc.txt'] }));
  const loaded = await loadDaemonConfig(f.configFile, {});
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const daemon = await Daemon.create({ config: { ...loaded.config, api: null }, logger: silentLogger(), dncRefreshMs: 50 });
  const finals: FinalEvent[] = [];
  const dialed: string[] = [];
  daemon.engine.on('final', (e) => finals.push(e));
  daemon.engine.on('dial', (row) => dialed.push(row.number));
  await daemon.start();
  // The first call is live (1 s ring + 2 s talk); the last number goes on the list meanwhile.
  writeFileSync(dnc, '+79160000002\n');
  await until(async () => (finals.length === 3 ? true : null), 'three final records', 20_000);
  await daemon.stop(0);
  expect(dialed).not.toContain('+79160000002');
  expect(finals.filter((e) => e.state === 'blocked')).toHaveLength(1);
  expect(finals.filter((e) => e.state === 'done')).toHaveLength(2);
});
