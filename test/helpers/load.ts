// A bounded closed-loop load: `concurrency` clients send requests back to back until stop().
import { Agent, request } from 'undici';

export interface LoadResult {
  ok: number;
  failed: number;
  errors: string[];
}

export interface Load extends LoadResult {
  stop(): Promise<LoadResult>;
}

export function runLoad(opts: { url: string; token: string; concurrency: number; body?: string; maxSeconds?: number }): Load {
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: opts.concurrency });
  const state: Load = {
    ok: 0,
    failed: 0,
    errors: [],
    stop: async () => {
      running = false;
      await Promise.all(workers);
      await agent.close();
      return { ok: state.ok, failed: state.failed, errors: state.errors };
    },
  };
  let running = true;
  const deadline = Date.now() + (opts.maxSeconds ?? 120) * 1000;
  const worker = async (id: number): Promise<void> => {
    let n = 0;
    while (running && Date.now() < deadline) {
      const body = opts.body ?? `{"client":${id},"n":${n++}}`;
      try {
        const res = await request(opts.url, { method: 'POST', body, headers: { authorization: opts.token }, dispatcher: agent, headersTimeout: 10_000, bodyTimeout: 10_000 });
        const text = await res.body.text();
        if (res.statusCode === 200 && text === body) state.ok++;
        else {
          state.failed++;
          state.errors.push(`${res.statusCode} ${text.slice(0, 200)}`);
        }
      } catch (err) {
        state.failed++;
        state.errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  const workers = Array.from({ length: opts.concurrency }, (_, i) => worker(i));
  return state;
}
