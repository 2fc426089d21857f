/** One pino logger for the process; child loggers carry the market, member and offer. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: { app: 'trading-post' } });
}
