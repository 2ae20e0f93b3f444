// Parsers for option values. Commander reports their InvalidArgumentError as a usage error
// naming the option, e.g. `option '--port <n>' argument 'x' is invalid. expected ...`.
import { InvalidArgumentError } from 'commander';

function integer(raw: string, min: number, max: number, what: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`expected ${what} from ${min} to ${max}`);
  }
  return n;
}

export function parsePort(raw: string): number {
  return integer(raw, 0, 65535, 'a port number');
}

export function parseCount(raw: string): number {
  return integer(raw, 0, 1_000_000, 'a whole number');
}

export function parsePositiveCount(raw: string): number {
  return integer(raw, 1, 1_000_000, 'a whole number');
}

export function parseBytes(raw: string): number {
  return integer(raw, 1, Number.MAX_SAFE_INTEGER, 'a number of bytes');
}

export function parseSeconds(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError('expected a number of seconds above 0 and at most 86400, e.g. 300');
  return n;
}

/** Collects a repeatable option's values (`-D a=1 -D b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `a,b c` → ['a', 'b', 'c']: lists given as one comma-separated argument or several. */
export function splitList(args: readonly string[]): string[] {
  return args.flatMap((a) => a.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}
