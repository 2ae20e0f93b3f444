// The control plane's HTTP API (fastify): one plugin per resource, one error shape, admin auth
// on everything but /healthz.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Health } from '../../contract/api.js';
import { EaselError, Errors } from '../../contract/errors.js';
import { VERSION } from '../../shared/version.js';
import type { RoutePublisher } from '../routes/publisher.js';
import type { Services } from '../services.js';
import { isAdmin } from './auth.js';
import { instanceRoutes } from './instance-routes.js';
import { serviceRoutes } from './service-routes.js';
import { attachWatch } from './watch.js';

export interface ApiOptions {
  services: Services;
  publisher: RoutePublisher;
  adminToken: string;
  logger: Logger;
}

/** Maps fastify's own errors (bad JSON, wrong media type, body limit) into the catalogue. */
function toEaselError(err: FastifyError): EaselError {
  if (err instanceof EaselError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new EaselError(Errors.BadRequest, { reason: 'send JSON with Content-Type: application/json' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new EaselError(Errors.BadRequest, { reason: 'the request body is empty; expected a JSON object' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new EaselError(Errors.BodyTooLarge, { limit: 1_048_576 });
    default:
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        const reason = err instanceof SyntaxError ? `invalid JSON body: ${err.message}` : err.message;
        return new EaselError(Errors.BadRequest, { reason });
      }
      return new EaselError(Errors.Internal, { reason: err.message });
  }
}

export function buildApi(opts: ApiOptions): FastifyInstance {
  // Typed as fastify's logger so the instance keeps fastify's default generics.
  const logger: FastifyBaseLogger = opts.logger;
  const app = Fastify({
    loggerInstance: logger,
    // Errors are logged by the error handler; per-request lines would drown the CLI's polling.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1_048_576,
    // Log follows and watch streams stay open; closing the API must not wait for them.
    forceCloseConnections: true,
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const e = toEaselError(err);
    const fields = { code: e.code, method: request.method, url: request.url, details: e.details };
    if (e.status >= 500) request.log.error({ ...fields, err }, e.message);
    else request.log.info(fields, e.message);
    void reply.status(e.status).send(e.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const e = new EaselError(Errors.RouteNotFound, { method: request.method, url: request.url });
    void reply.status(e.status).send(e.toBody());
  });

  app.addHook('onRequest', async (request) => {
    if (request.url === '/healthz') return;
    if (!isAdmin(request.headers.authorization, opts.adminToken)) throw new EaselError(Errors.Unauthorized);
  });

  app.get('/healthz', async (): Promise<Health> => ({ status: 'ok', component: 'controlplane', version: VERSION }));

  void app.register(serviceRoutes, { services: opts.services });
  void app.register(instanceRoutes, { services: opts.services });
  attachWatch(app, opts.publisher, opts.adminToken, opts.logger);
  return app;
}
