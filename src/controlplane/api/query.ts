import { EaselError, Errors } from '../../contract/errors.js';

/** An optional non-negative integer query parameter, rejected by name when malformed. */
export function intParam(query: Record<string, string | undefined>, name: string, max: number): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > max) {
    throw new EaselError(Errors.BadRequest, { reason: `query parameter ${name}: expected an integer from 0 to ${max}, got ${JSON.stringify(raw)}` });
  }
  return Number(raw);
}

export function boolParam(query: Record<string, string | undefined>, name: string): boolean {
  const raw = query[name];
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new EaselError(Errors.BadRequest, { reason: `query parameter ${name}: expected true or false, got ${JSON.stringify(raw)}` });
}
