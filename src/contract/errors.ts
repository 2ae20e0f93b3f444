// The one error catalogue. Codes are stable and never reused; HTTP errors are JSON
// `{code, message, details?}` and the CLI prints the message followed by the hint.

export interface ErrorDef {
  readonly code: string;
  readonly status: number;
  /** Message template: `{name}` is replaced by the parameter of that name. */
  readonly message: string;
  readonly hint?: string;
}

function def(code: string, status: number, message: string, hint?: string): ErrorDef {
  return hint === undefined ? { code, status, message } : { code, status, message, hint };
}

export const Errors = {
  // Control plane
  Unauthorized: def('EASEL_UNAUTHORIZED', 401, 'missing or invalid admin token', 'send "Authorization: Bearer <token>"; the token is in <home>/admin.token or $EASEL_TOKEN'),
  BadRequest: def('EASEL_BAD_REQUEST', 400, '{reason}'),
  SpecInvalid: def('EASEL_SPEC_INVALID', 400, 'the service spec has {count} problem(s): {summary}', 'fix each field listed; `schema/service.schema.json` describes every field'),
  ServiceNotFound: def('EASEL_SERVICE_NOT_FOUND', 404, 'service "{service}" does not exist', 'list services with `easel ls`'),
  ServiceExists: def('EASEL_SERVICE_EXISTS', 409, 'service "{service}" already exists', 'change it with `easel modify {service} -s <file>` or delete it first'),
  ServiceDeleting: def('EASEL_SERVICE_DELETING', 409, 'service "{service}" is being deleted'),
  VersionNotFound: def('EASEL_VERSION_NOT_FOUND', 404, 'service "{service}" has no version {version}', 'list versions with `easel version {service}`'),
  InstanceNotFound: def('EASEL_INSTANCE_NOT_FOUND', 404, 'service "{service}" has no instance "{instance}"', 'list instances with `easel w {service}`'),
  RouteNotFound: def('EASEL_ROUTE_NOT_FOUND', 404, 'no such endpoint: {method} {url}'),
  Internal: def('EASEL_INTERNAL', 500, 'internal error: {reason}'),

  // Gateway (data plane)
  AuthRequired: def('EASEL_AUTH_REQUIRED', 401, 'service "{service}" needs its token', 'send "Authorization: <token>" or an EAS signature; `easel desc {service}` shows the token'),
  AuthInvalid: def('EASEL_AUTH_INVALID', 401, 'wrong token for service "{service}"'),
  SignatureInvalid: def('EASEL_SIGNATURE_INVALID', 401, 'the request signature for service "{service}" does not match: {reason}'),
  UnknownService: def('EASEL_UNKNOWN_SERVICE', 404, 'no service "{service}" behind this gateway', 'list services with `easel ls`'),
  ServiceStopped: def('EASEL_SERVICE_STOPPED', 503, 'service "{service}" is stopped', 'start it with `easel start {service}`'),
  NoReadyInstance: def('EASEL_NO_READY_INSTANCE', 503, 'service "{service}" has no ready instance', 'see `easel w {service}` and `easel events {service}`'),
  BodyTooLarge: def('EASEL_BODY_TOO_LARGE', 413, 'request body exceeds {limit} bytes'),
  HeadersTooLarge: def('EASEL_HEADERS_TOO_LARGE', 431, 'request head exceeds {limit} bytes'),
  DeadlineExceeded: def('EASEL_DEADLINE_EXCEEDED', 408, 'request exceeded rpc.keepalive ({keepalive} ms)'),
  RequestTimeout: def('EASEL_REQUEST_TIMEOUT', 408, 'the client sent no complete request within {timeout} ms'),
  RateLimited: def('EASEL_RATE_LIMITED', 429, 'service "{service}" is over its rate limit of {limit} requests per second'),
  ConcurrencyLimited: def('EASEL_CONCURRENCY_LIMITED', 429, 'service "{service}" is at its concurrency limit of {limit} requests'),
  ClientClosed: def('EASEL_CLIENT_CLOSED', 499, 'the client closed the connection before the response'),
  UpstreamFailed: def('EASEL_UPSTREAM_FAILED', 502, 'instance {instance} of service "{service}" failed: {reason}'),
  BadHttp: def('EASEL_BAD_HTTP', 400, 'malformed HTTP request: {reason}'),
  GatewayNotReady: def('EASEL_GATEWAY_NOT_READY', 503, 'the gateway has not received its routing table yet'),
  UpgradeNotSupported: def('EASEL_UPGRADE_NOT_SUPPORTED', 501, 'the gateway does not proxy protocol upgrades (Upgrade: {protocol}) yet; call the service over plain HTTP/1.1'),

  // Instance host
  QueueFull: def('EASEL_QUEUE_FULL', 450, 'instance queue is full ({size} requests waiting)', 'raise metadata.rpc.max_queue_size or add instances'),
  InstanceRateLimited: def('EASEL_INSTANCE_RATE_LIMITED', 429, 'instance is over metadata.rpc.rate_limit ({limit} requests per second)'),
  ProcessorFailed: def('EASEL_PROCESSOR_FAILED', 500, 'the processor failed: {reason}'),
  ProcessorNotReady: def('EASEL_PROCESSOR_NOT_READY', 503, 'the processor is not ready: {reason}'),
  InstanceDraining: def('EASEL_INSTANCE_DRAINING', 503, 'the instance is shutting down'),
  BadInput: def('EASEL_BAD_INPUT', 400, '{reason}'),
  ProcessorHung: def('EASEL_PROCESSOR_HUNG', 500, 'the processor thread has answered no heartbeat for over {seconds} s'),
} as const satisfies Record<string, ErrorDef>;

export type ErrorName = keyof typeof Errors;

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export function renderMessage(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = params[key];
    return v === undefined ? whole : String(v);
  });
}

/** An error that knows its code and HTTP status. Thrown by handlers, rendered by the server. */
export class EaselError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  readonly hint: string | undefined;

  constructor(def: ErrorDef, params: Readonly<Record<string, string | number>> = {}, details?: unknown) {
    super(renderMessage(def.message, params));
    this.name = 'EaselError';
    this.code = def.code;
    this.status = def.status;
    this.details = details;
    this.hint = def.hint === undefined ? undefined : renderMessage(def.hint, params);
  }

  toBody(): ErrorBody {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

/** Looks up the catalogue entry for a code received over the wire (the CLI prints its hint). */
export function errorDefByCode(code: string): ErrorDef | undefined {
  return Object.values(Errors).find((d: ErrorDef) => d.code === code);
}
