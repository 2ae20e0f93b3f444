// /api/v2/services/<name>/{instances,events,logs}.
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../services.js';
import { boolParam, intParam } from './query.js';

interface NameParams {
  name: string;
}

type Query = Record<string, string | undefined>;

/** Lines kept by default when a log request names no tail. */
const DEFAULT_TAIL = 500;

export const instanceRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Params: NameParams }>('/api/v2/services/:name/instances', async (request) => services.instances(request.params.name));

  app.delete<{ Params: NameParams & { instance: string } }>('/api/v2/services/:name/instances/:instance', async (request) =>
    services.restartInstance(request.params.name, request.params.instance),
  );

  app.get<{ Params: NameParams; Querystring: Query }>('/api/v2/services/:name/events', async (request) => {
    const afterId = intParam(request.query, 'after', Number.MAX_SAFE_INTEGER);
    const limit = intParam(request.query, 'limit', 10_000) ?? 100;
    return services.events(request.params.name, { afterId, limit });
  });

  app.get<{ Params: NameParams; Querystring: Query }>('/api/v2/services/:name/logs', async (request, reply) => {
    const follow = boolParam(request.query, 'follow');
    const tail = intParam(request.query, 'tail', 1_000_000) ?? DEFAULT_TAIL;
    const instance = request.query.instance === '' ? undefined : request.query.instance;
    const abort = new AbortController();
    const lines = services.logs(request.params.name, { instance, tail, follow, signal: abort.signal });
    request.raw.on('close', () => abort.abort());
    const body = Readable.from(
      (async function* () {
        for await (const line of lines) yield `${line}\n`;
      })(),
    );
    void reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store');
    return reply.send(body);
  });
};
