import { request } from 'undici';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

export async function call(method: string, url: string, opts: { body?: string | Buffer; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Reply> {
  const res = await request(url, {
    method: method as 'GET',
    body: opts.body,
    headers: opts.headers,
    headersTimeout: opts.timeoutMs ?? 30_000,
    bodyTimeout: opts.timeoutMs ?? 30_000,
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    text,
    json<T>() {
      return JSON.parse(text) as T;
    },
  };
}
