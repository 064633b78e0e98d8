// pino behind our Logger port: JSON lines on stderr, level from --log-level or LOG_LEVEL.
import { pino } from 'pino';
import type { Logger } from '../core/logger.ts';

export function createLogger(level: string): Logger {
  const log = pino({ level, base: { pid: process.pid } }, pino.destination(2));
  return {
    debug: (fields, message) => log.debug(fields, message),
    info: (fields, message) => log.info(fields, message),
    warn: (fields, message) => log.warn(fields, message),
    error: (fields, message) => log.error(fields, message),
  };
}
