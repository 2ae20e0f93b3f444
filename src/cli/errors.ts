// Errors the CLI reports: `error: <message>`, optional detail lines, `hint: <hint>`, and an
// exit code (1 for failures, 2 for usage errors).
import { errorDefByCode, renderMessage, type ErrorBody } from '../contract/errors.js';
import type { Problem } from '../contract/validate.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CliErrorOptions {
  hint?: string;
  /** Lines printed after the message, e.g. every problem of a rejected spec. */
  details?: readonly string[];
  exitCode?: number;
}

export class CliError extends Error {
  readonly hint: string | undefined;
  readonly details: readonly string[];
  readonly exitCode: number;

  constructor(message: string, opts: CliErrorOptions = {}) {
    super(message);
    this.name = 'CliError';
    this.hint = opts.hint;
    this.details = opts.details ?? [];
    this.exitCode = opts.exitCode ?? EXIT_FAILURE;
  }
}

/** The command line itself is wrong (exit code 2). */
export class UsageError extends CliError {
  constructor(message: string, opts: Omit<CliErrorOptions, 'exitCode'> = {}) {
    super(message, { ...opts, exitCode: EXIT_USAGE });
    this.name = 'UsageError';
  }
}

/** What the CLI knows that a hint template may name, e.g. `{service}`. */
export type HintParams = Readonly<Record<string, string | number>>;

function isProblem(v: unknown): v is Problem {
  return typeof v === 'object' && v !== null && typeof (v as Problem).path === 'string' && typeof (v as Problem).message === 'string';
}

/** The problems listed in an EASEL_SPEC_INVALID answer's details, if it carries them. */
export function problemsOf(details: unknown): Problem[] | undefined {
  const problems = (details as { problems?: unknown } | null | undefined)?.problems;
  return Array.isArray(problems) && problems.every(isProblem) ? problems : undefined;
}

/**
 * The catalogue hint for a code, rendered with what the caller knows. A hint that still names a
 * parameter nobody filled in is dropped rather than shown with a `{placeholder}`.
 */
export function catalogueHint(code: string, params: HintParams): string | undefined {
  const hint = errorDefByCode(code)?.hint;
  if (hint === undefined) return undefined;
  const rendered = renderMessage(hint, params);
  return /\{\w+\}/.test(rendered) ? undefined : rendered;
}

/** A JSON error answer `{code, message, details?}` from the control plane or the gateway. */
export class ApiError extends CliError {
  readonly status: number;
  readonly code: string;

  constructor(status: number, body: ErrorBody, params: HintParams = {}) {
    const problems = body.code === 'EASEL_SPEC_INVALID' ? problemsOf(body.details) : undefined;
    // The server's message already summarizes the first problems; the full list follows it.
    const message = problems === undefined ? body.message : `the service spec has ${problems.length} problem(s):`;
    super(message, {
      hint: catalogueHint(body.code, params),
      details: problems?.map((p) => `  ${p.path}: ${p.message}`) ?? [],
    });
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
  }
}

/** Parses an error body; anything that is not the catalogue's JSON shape yields undefined. */
export function parseErrorBody(text: string): ErrorBody | undefined {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody> | null;
    if (body !== null && typeof body === 'object' && typeof body.code === 'string' && typeof body.message === 'string') {
      return { code: body.code, message: body.message, details: body.details };
    }
  } catch {
    // not JSON: the caller reports the raw text
  }
  return undefined;
}

/** The lines printed for an error, without a trailing newline. */
export function renderError(err: CliError): string[] {
  const lines = [`error: ${err.message}`, ...err.details];
  if (err.hint !== undefined) lines.push(`hint: ${err.hint}`);
  return lines;
}
