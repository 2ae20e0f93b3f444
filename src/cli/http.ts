// The HTTP layer under the CLI (undici). undici is imported on first use: commands that make
// no request (`easel instance`, `--help`) start without loading it.
import type * as Undici from 'undici';

let loading: Promise<typeof Undici> | undefined;

export function loadUndici(): Promise<typeof Undici> {
  loading ??= import('undici');
  return loading;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'the answer stalled',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_CLOSED: 'the connection closed unexpectedly',
};

export interface NetworkFailure {
  code: string | undefined;
  /** Plain words for people: "connection refused". */
  reason: string;
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Connecting to a name with several addresses fails with an AggregateError of the attempts.
  const inner = (err as { errors?: unknown }).errors;
  if (Array.isArray(inner)) return codeOf(inner[0]);
  return codeOf((err as { cause?: unknown }).cause);
}

/** A network-level failure (no HTTP answer), or undefined for any other error. */
export function networkFailure(err: unknown): NetworkFailure | undefined {
  const code = codeOf(err);
  if (code === undefined) return undefined;
  const reason = REASONS[code];
  if (reason !== undefined) return { code, reason };
  if (/^E[A-Z]+$/.test(code) || code.startsWith('UND_ERR_')) return { code, reason: err instanceof Error ? err.message : code };
  return undefined;
}
