import { pino, type Logger } from 'pino';
import { loadConfig } from '../config/env';

/** One logger per process part; JSON lines, or pretty when a person watches a terminal. */
export function createLogger(name: string): Logger {
  const level = loadConfig().FLEET_LOG_LEVEL;
  const pretty = process.stdout.isTTY && process.env.FLEET_LOG_FORMAT !== 'json';
  return pino({
    name,
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } } : {}),
  });
}
export type { Logger };
