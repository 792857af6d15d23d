import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from '../infra/log/logger';

const levels = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's logger interface, writing to our pino logger: one log stream per process.
 * `infoAsDebug` quiets chatty parts (the workflow bundler prints webpack's whole report at INFO).
 */
export function temporalLogger(log: Logger, options: { infoAsDebug?: boolean } = {}): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const pinoLevel = options.infoAsDebug && level === 'INFO' ? 'debug' : levels[level];
    // The SDK passes errors as `error`; pino serialises only `err` (an Error's fields are not enumerable).
    const fields = meta?.error instanceof Error ? { ...meta, error: undefined, err: meta.error } : (meta ?? {});
    log[pinoLevel](fields, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
