// Answers to requests Node's parser rejects before there is a request object to answer with.
import { EaselError, Errors } from '../contract/errors.js';

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

export function clientErrorFor(err: NodeJS.ErrnoException, limits: { maxHeaderBytes: number; headersTimeoutMs: number }): EaselError {
  if (err.code === 'HPE_HEADER_OVERFLOW') return new EaselError(Errors.HeadersTooLarge, { limit: limits.maxHeaderBytes });
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new EaselError(Errors.RequestTimeout, { timeout: limits.headersTimeoutMs });
  return new EaselError(Errors.BadHttp, { reason: err.message });
}

/** The raw bytes of a JSON error response that closes the connection. */
export function rawErrorResponse(e: EaselError): string {
  const body = JSON.stringify(e.toBody());
  return (
    `HTTP/1.1 ${e.status} ${REASONS[e.status] ?? 'Error'}\r\n` +
    `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}
