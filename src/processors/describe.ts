// Turning arbitrary values thrown or returned by user code into text, without ever throwing.

/** A short description of a value's type for error messages: "number", "null", "an array". */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof ArrayBuffer) return 'an ArrayBuffer';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

/** The message of a thrown value: Error#message, or the value itself as text. */
export function errorMessage(e: unknown): string {
  try {
    if (e instanceof Error) return e.message === '' ? e.name : e.message;
    if (typeof e === 'string') return e === '' ? 'empty error message' : e;
    return `non-Error value thrown: ${String(e)}`;
  } catch {
    return 'unprintable error value';
  }
}

/** The stack of a thrown value when it has one (for the log, never for the client). */
export function errorStack(e: unknown): string | undefined {
  try {
    return e instanceof Error && typeof e.stack === 'string' ? e.stack : undefined;
  } catch {
    return undefined;
  }
}
