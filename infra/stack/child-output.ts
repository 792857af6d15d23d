import { prettyFactory } from 'pino-pretty';

/**
 * Platform processes log pino JSON lines when their output is a pipe, as it is under the
 * supervisor. For a person at a terminal they are shown as pino-pretty would; other lines, and
 * everything when the output is not a terminal, pass unchanged.
 */
export function childLineFormatter(terminal: boolean): (line: string) => string {
  if (!terminal) return (line) => line;
  const pretty = prettyFactory({ colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' });
  return (line) => {
    if (!line.startsWith('{')) return line;
    try {
      const record: unknown = JSON.parse(line);
      if (typeof record !== 'object' || record === null || !('level' in record)) return line;
      return pretty(record).trimEnd();
    } catch {
      return line;
    }
  };
}
