// The control plane's REST API as the CLI calls it (`/api/v2/...`, admin auth). Every failure
// becomes a CliError that says what went wrong and what to do next.
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { EventDescription, InstanceDescription, ServiceDescription, ServiceList, SwitchVersionRequest, VersionDescription } from '../contract/api.js';
import { tokenHint, type Connection } from './connection.js';
import { ApiError, CliError, parseErrorBody, type HintParams } from './errors.js';
import { loadUndici, networkFailure } from './http.js';

/** How long a plain API call may take to answer. */
const CALL_TIMEOUT_MS = 30_000;

type Query = Record<string, string | number | boolean | undefined>;

interface CallOptions {
  body?: unknown;
  query?: Query;
  /** Filled into catalogue hints: `{service}`, `{instance}`, `{version}`. */
  params?: HintParams;
  /** Streams (log follow) may stay silent for long. */
  streaming?: boolean;
  signal?: AbortSignal;
}

export interface LogOptions {
  instance?: string | undefined;
  tail?: number | undefined;
  follow?: boolean;
  signal?: AbortSignal;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

export class ControlPlaneClient {
  readonly #conn: Connection;
  #agent: Dispatcher | undefined;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  get endpoint(): string {
    return this.#conn.endpoint;
  }

  // --- services -------------------------------------------------------------------------------

  createService(spec: unknown, name: string | undefined): Promise<ServiceDescription> {
    return this.#json('POST', '/api/v2/services', { body: spec, params: name === undefined ? {} : { service: name } });
  }

  listServices(): Promise<ServiceList> {
    return this.#json('GET', '/api/v2/services');
  }

  describeService(name: string): Promise<ServiceDescription> {
    return this.#json('GET', `/api/v2/services/${enc(name)}`, { params: { service: name } });
  }

  modifyService(name: string, patch: unknown): Promise<ServiceDescription> {
    return this.#json('PUT', `/api/v2/services/${enc(name)}`, { body: patch, params: { service: name } });
  }

  deleteService(name: string): Promise<ServiceDescription> {
    return this.#json('DELETE', `/api/v2/services/${enc(name)}`, { params: { service: name } });
  }

  startService(name: string): Promise<ServiceDescription> {
    return this.#json('PUT', `/api/v2/services/${enc(name)}/start`, { params: { service: name } });
  }

  stopService(name: string): Promise<ServiceDescription> {
    return this.#json('PUT', `/api/v2/services/${enc(name)}/stop`, { params: { service: name } });
  }

  listVersions(name: string): Promise<VersionDescription[]> {
    return this.#json('GET', `/api/v2/services/${enc(name)}/versions`, { params: { service: name } });
  }

  switchVersion(name: string, version: number): Promise<ServiceDescription> {
    const body: SwitchVersionRequest = { Version: version };
    return this.#json('PUT', `/api/v2/services/${enc(name)}/version`, { body, params: { service: name, version } });
  }

  // --- instances, events, logs ----------------------------------------------------------------

  listInstances(name: string): Promise<InstanceDescription[]> {
    return this.#json('GET', `/api/v2/services/${enc(name)}/instances`, { params: { service: name } });
  }

  restartInstance(name: string, instance: string): Promise<InstanceDescription> {
    return this.#json('DELETE', `/api/v2/services/${enc(name)}/instances/${enc(instance)}`, { params: { service: name, instance } });
  }

  listEvents(name: string, opts: { after?: number; limit?: number } = {}): Promise<EventDescription[]> {
    return this.#json('GET', `/api/v2/services/${enc(name)}/events`, { query: { after: opts.after, limit: opts.limit }, params: { service: name } });
  }

  /** The log stream: text lines, open while following until the signal aborts. */
  async logs(name: string, opts: LogOptions): Promise<Readable> {
    const query: Query = { instance: opts.instance, tail: opts.tail, follow: opts.follow === true ? true : undefined };
    const params: HintParams = opts.instance === undefined ? { service: name } : { service: name, instance: opts.instance };
    const res = await this.#send('GET', `/api/v2/services/${enc(name)}/logs`, { query, params, streaming: opts.follow === true, signal: opts.signal });
    return res.body;
  }

  /** Releases pooled connections so the process can exit at once. */
  async close(): Promise<void> {
    const agent = this.#agent;
    this.#agent = undefined;
    await agent?.close();
  }

  // --- plumbing -------------------------------------------------------------------------------

  async #json<T>(method: Dispatcher.HttpMethod, path: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.#send(method, path, opts);
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw this.#unreachable(err);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`the control plane at ${this.#conn.endpoint} answered ${method} ${path} with something that is not JSON`, {
        hint: `is ${this.#conn.endpoint} an easel control plane? pass --endpoint to choose another`,
      });
    }
  }

  /** Sends a request; answers other than 2xx are read and thrown as errors. */
  async #send(method: Dispatcher.HttpMethod, path: string, opts: CallOptions): Promise<Dispatcher.ResponseData> {
    const undici = await loadUndici();
    this.#agent ??= new undici.Agent({ connect: { timeout: 10_000 } });
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#conn.token !== undefined) headers.authorization = `Bearer ${this.#conn.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) search.set(k, String(v));
    const url = `${this.#conn.endpoint}${path}${search.size > 0 ? `?${search.toString()}` : ''}`;

    let res: Dispatcher.ResponseData;
    try {
      res = await undici.request(url, {
        method,
        headers,
        body,
        dispatcher: this.#agent,
        headersTimeout: CALL_TIMEOUT_MS,
        bodyTimeout: opts.streaming === true ? 0 : CALL_TIMEOUT_MS,
        signal: opts.signal,
      });
    } catch (err) {
      throw this.#unreachable(err);
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return res;
    const text = await res.body.text().catch(() => '');
    throw this.#failure(res.statusCode, text, opts.params ?? {});
  }

  #failure(status: number, text: string, params: HintParams): CliError {
    const body = parseErrorBody(text);
    if (status === 401) {
      return new CliError(body?.message ?? 'the control plane refused the admin token', { hint: tokenHint(this.#conn) });
    }
    if (body !== undefined) return new ApiError(status, body, params);
    const snippet = text.trim().slice(0, 300);
    return new CliError(`the control plane answered HTTP ${status}${snippet === '' ? '' : `: ${snippet}`}`, {
      hint: `is ${this.#conn.endpoint} an easel control plane? pass --endpoint to choose another`,
    });
  }

  #unreachable(err: unknown): Error {
    if (err instanceof CliError) return err;
    if ((err as Error | undefined)?.name === 'AbortError') return err as Error;
    const failure = networkFailure(err);
    const where = `cannot reach the control plane at ${this.#conn.endpoint}`;
    const hint = 'start it with `npm start` (or `easel up`), or pass --endpoint';
    if (failure === undefined) return new CliError(`${where}: ${err instanceof Error ? err.message : String(err)}`, { hint });
    return new CliError(failure.code === 'ECONNREFUSED' ? where : `${where}: ${failure.reason}`, { hint });
  }
}
