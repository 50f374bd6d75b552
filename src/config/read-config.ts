/**
 * Read a config or campaign file with its size bounded before any of it is read: a stranger's
 * file must not be able to make the daemon hold gigabytes (or block on a FIFO) to parse it.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ConfigError } from './config-error.ts';

/** Largest config or campaign file accepted, in bytes (1 MiB: real ones are a few KiB). */
export const MAX_CONFIG_BYTES = 1 << 20;

export type ConfigText = { ok: true; text: string } | { ok: false; error: ConfigError };

/**
 * The UTF-8 text of `path`, or a ConfigError at `displayName:1:1` when it cannot be read, is
 * not a regular file, or is larger than `maxBytes`. Never throws.
 */
export async function readConfigText(path: string, displayName = path, maxBytes = MAX_CONFIG_BYTES): Promise<ConfigText> {
  const fail = (message: string): ConfigText => ({ ok: false, error: { file: displayName, line: 1, col: 1, message } });
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return fail(`cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) return fail('cannot read file: EISDIR (a directory)');
    if (!st.isFile()) return fail('cannot read file: not a regular file');
    if (st.size > maxBytes) return fail(`file too large: ${st.size} bytes (at most ${maxBytes})`);
    // The size is checked again while reading: the file may grow after the stat.
    const buf = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) return fail(`file too large: more than ${maxBytes} bytes`);
    }
    return { ok: true, text: buf.subarray(0, length).toString('utf8') };
  } catch (e) {
    return fail(`cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
