import { InvalidArgumentError } from 'commander';

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
