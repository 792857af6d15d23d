import { CommanderError, InvalidArgumentError } from 'commander';

/** A commander option parser for a whole number within bounds; bad values exit 2 with the reason. */
export function intIn(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) throw new InvalidArgumentError(`"${raw}" is not a whole number.`);
    if (value < min || value > max) throw new InvalidArgumentError(`${value} is outside ${min}..${max}.`);
    return value;
  };
}

/** A commander option parser for a number within bounds. */
export function numberIn(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(`"${raw}" is not a number.`);
    if (value < min || value > max) throw new InvalidArgumentError(`${value} is outside ${min}..${max}.`);
    return value;
  };
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A commander option parser for a duration such as 500ms, 30s, 10m, 2h, 3d or 12w, within bounds; returns milliseconds. */
export function durationIn(minMs: number, maxMs: number) {
  return (raw: string): number => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(raw.trim());
    if (!match) throw new InvalidArgumentError(`"${raw}" is not a duration (e.g. 30s, 10m, 2h, 3d, 12w).`);
    const ms = Math.round(Number(match[1]) * durationUnits[match[2]!]!);
    if (ms < minMs || ms > maxMs) throw new InvalidArgumentError(`${raw} is outside ${minMs / 1000} s..${maxMs / 86_400_000} days.`);
    return ms;
  };
}

/**
 * For `.exitOverride()`: bad flags exit 2, like every usage error of `fleet`, instead of commander's
 * 1; help and version still exit 0. Subcommands added afterwards inherit it.
 */
export function usageExit(err: CommanderError): never {
  if (err.exitCode === 0) throw err;
  throw new CommanderError(2, err.code, err.message);
}
