/**
 * Starts the lab FreeSWITCH once for the run, and the real-Asterisk suite's chroot Asterisk beside
 * it (daemon-two-pbx.test.ts: one daemon on both switches); stops both (by PID) at the end, whatever happened.
 */
import { asterisk } from '../asterisk/harness.ts';
import { freeswitch } from './harness.ts';

export async function setup(): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) throw new Error('the FreeSWITCH e2e suite needs root (apt for runtime libraries and SIPp, /var/cache, the Asterisk chroot)');
  const t0 = Date.now();
  // A FreeSWITCH left by an aborted run (its PID file) is stopped first: the config may have changed.
  await freeswitch('stop');
  await freeswitch('start');
  // One after the other: on a fresh machine both may apt-get (one dpkg lock). Only
  // daemon-two-pbx.test.ts needs it: DIALERD_E2E_NO_ASTERISK=1 leaves it alone (another run may own it).
  const withAsterisk = process.env.DIALERD_E2E_NO_ASTERISK !== '1';
  if (withAsterisk) await asterisk('start');
  console.log(`[e2e] FreeSWITCH${withAsterisk ? ' and Asterisk' : ''} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return async () => {
    await Promise.allSettled([freeswitch('stop'), ...(withAsterisk ? [asterisk('stop', { umount: true })] : [])]);
  };
}
