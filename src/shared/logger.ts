import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Component name, added to every line. */
  name: string;
  /** A file to append JSON lines to; stdout when absent. */
  file?: string;
  level?: string;
}

/** JSON-lines logger (pino). Files are appended to, so restarts keep one history. */
export function createLogger(opts: LoggerOptions): Logger {
  const level = opts.level ?? process.env.EASEL_LOG_LEVEL ?? 'info';
  if (opts.file === undefined) return pino({ name: opts.name, level });
  mkdirSync(dirname(opts.file), { recursive: true });
  return pino({ name: opts.name, level }, pino.destination({ dest: opts.file, append: true, sync: false }));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
