// EAS service authentication: a plain token (`Authorization: <token>` or `Bearer <token>`) or
// an HMAC-SHA1 signature (`Authorization: EAS <base64>`) as the EAS SDKs send it. Secrets are
// compared in constant time over equal-length buffers so neither content nor length leaks.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Errors, type ErrorDef } from '../contract/errors.js';
import type { RequestHead } from './request-head.js';

export class RouteAuth {
  readonly token: string;
  readonly #digest: Buffer;

  constructor(token: string) {
    this.token = token;
    this.#digest = sha256(token);
  }

  /** Constant-time: hashing both sides makes the compared buffers equal in length. */
  matchesPlain(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), this.#digest);
  }
}

export interface AuthFailure {
  def: ErrorDef;
  reason?: string;
}

const SIGNATURE_BYTES = 20;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Null when the request may pass, else why not. */
export function authorize(auth: RouteAuth, head: RequestHead, service: string): AuthFailure | null {
  const value = head.value(head.authStart, head.authEnd);
  if (value === undefined || value === '') return { def: Errors.AuthRequired };
  if (value.length > 4 && value.slice(0, 4).toLowerCase() === 'eas ') return verifySignature(auth, head, service, value.slice(4).trim());
  const token = value.length > 7 && value.slice(0, 7).toLowerCase() === 'bearer ' ? value.slice(7).trim() : value;
  return auth.matchesPlain(token) ? null : { def: Errors.AuthInvalid };
}

/**
 * The string to sign, as the SDKs build it: verb, Content-MD5 (as sent: the Java SDK drops
 * leading zeros, so it is never recomputed), Content-Type, Date and resource, trimmed.
 */
export function stringToSign(verb: string, contentMd5: string, contentType: string, date: string, resource: string): string {
  return `${verb}\n${contentMd5}\n${contentType}\n${date}\n${resource}`.trim();
}

export function sign(token: string, text: string): Buffer {
  return createHmac('sha1', token).update(text, 'utf8').digest();
}

function verifySignature(auth: RouteAuth, head: RequestHead, service: string, encoded: string): AuthFailure | null {
  const date = head.value(head.dateStart, head.dateEnd);
  if (date === undefined) return { def: Errors.SignatureInvalid, reason: 'missing Date header' };
  if (!BASE64.test(encoded)) return { def: Errors.SignatureInvalid, reason: 'the signature is not base64' };
  const given = Buffer.from(encoded, 'base64');
  if (given.length !== SIGNATURE_BYTES) return { def: Errors.SignatureInvalid, reason: 'the signature is not an HMAC-SHA1 digest' };
  const md5 = head.value(head.md5Start, head.md5End) ?? '';
  const type = head.value(head.typeStart, head.typeEnd) ?? DEFAULT_CONTENT_TYPE;
  // The Python SDK signs POST and /api/predict/<service> even when it calls another method or
  // a sub-path, so both the SDK's form and the literal request are accepted.
  const method = head.method();
  const target = head.target();
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  const base = `/api/predict/${service}`;
  let ok = false;
  for (const verb of method === 'POST' ? ['POST'] : ['POST', method]) {
    for (const resource of path === base ? [base] : [base, path]) {
      // No early exit: every candidate costs the same whichever matches.
      if (timingSafeEqual(sign(auth.token, stringToSign(verb, md5, type, date, resource)), given)) ok = true;
    }
  }
  return ok ? null : { def: Errors.SignatureInvalid, reason: 'the signature does not match (check the token, Date, Content-MD5 and Content-Type headers)' };
}
