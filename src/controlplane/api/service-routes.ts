// /api/v2/services: create, list, describe, modify, delete, start, stop, versions.
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../services.js';

interface NameParams {
  name: string;
}

export const serviceRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/api/v2/services', async (request) => services.create(request.body));
  app.get('/api/v2/services', async () => services.list());
  app.get<{ Params: NameParams }>('/api/v2/services/:name', async (request) => services.describe(request.params.name));
  app.put<{ Params: NameParams }>('/api/v2/services/:name', async (request) => services.modify(request.params.name, request.body));
  app.delete<{ Params: NameParams }>('/api/v2/services/:name', async (request) => services.delete(request.params.name));
  app.put<{ Params: NameParams }>('/api/v2/services/:name/start', async (request) => services.start(request.params.name));
  app.put<{ Params: NameParams }>('/api/v2/services/:name/stop', async (request) => services.stop(request.params.name));
  app.get<{ Params: NameParams }>('/api/v2/services/:name/versions', async (request) => services.versions(request.params.name));
  app.put<{ Params: NameParams }>('/api/v2/services/:name/version', async (request) => services.switchVersion(request.params.name, request.body));
};
