/** Boots the chroot Asterisk once for the e2e run and stops it at the end, whatever happened. */
import { asterisk, makeAudio } from './harness.ts';

export async function setup(): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) throw new Error('the Asterisk e2e suite needs root (chroot, mounts)');
  const t0 = Date.now();
  await asterisk('start');
  await makeAudio();
  console.log(`[e2e] Asterisk ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return async () => {
    await asterisk('stop', { umount: true });
  };
}
