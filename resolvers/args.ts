import { InvalidInputError } from '../src/domain/errors';

/** Checks an integer argument's range, naming the argument in the error. */
export function intInRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InvalidInputError(name, `must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

export function nonEmptyId(name: string, value: string): string {
  if (value.trim() === '' || value.length > 128) throw new InvalidInputError(name, 'must be a non-empty id of at most 128 characters');
  return value;
}

/** An ISO 3166-1 alpha-2 code, upper case. */
export function countryCode(name: string, value: string): string {
  if (!/^[A-Z]{2}$/.test(value))
    throw new InvalidInputError(
      name,
      `must be an upper-case ISO 3166-1 alpha-2 code such as "US", got ${JSON.stringify(value.slice(0, 20))}`,
    );
  return value;
}
