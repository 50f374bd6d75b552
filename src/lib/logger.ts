/** pino behind a narrow type: JSON lines, pretty when stdout is a TTY. */
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string = 'info', opts: { pretty?: boolean; name?: string } = {}): Logger {
  const pretty = opts.pretty ?? Boolean(process.stdout.isTTY);
  return pino({
    name: opts.name ?? 'dialerd',
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:standard' } } } : {}),
  });
}

/** A logger that drops everything (tests, simulate). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
