/** Starts the lab FreeSWITCH once for the run and stops it (by PID) at the end, whatever happened. */
import { freeswitch } from './harness.ts';

export async function setup(): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) throw new Error('the FreeSWITCH e2e suite needs root (apt for runtime libraries and SIPp, /var/cache)');
  const t0 = Date.now();
  // A FreeSWITCH left by an aborted run (its PID file) is stopped first: the config may have changed.
  await freeswitch('stop');
  await freeswitch('start');
  console.log(`[e2e] FreeSWITCH ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return async () => {
    await freeswitch('stop');
  };
}
