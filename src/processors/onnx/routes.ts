// Which endpoint a request is for. `/` is easel's own face (POST to predict, GET for the
// signature); `/v2/...` follows the Open Inference Protocol, any model name accepted since the
// gateway already picked the service.

export type Route = 'infer' | 'signature' | 'model-metadata' | 'model-ready' | 'server-metadata' | 'server-live' | 'server-ready';

const MODEL = /^\/v2\/models\/[^/]+(?:\/versions\/[^/]+)?(\/infer|\/ready)?$/;

/** The endpoints, for the 404 that names them. */
export const ENDPOINTS = [
  'POST /',
  'GET /',
  'POST /v2/models/<name>/infer',
  'GET /v2/models/<name>',
  'GET /v2/models/<name>/ready',
  'GET /v2',
  'GET /v2/health/live',
  'GET /v2/health/ready',
] as const;

/** The route of `method path`; undefined when there is none. */
export function routeOf(method: string, path: string): Route | undefined {
  if (path === '/') {
    if (method === 'POST') return 'infer';
    return method === 'GET' ? 'signature' : undefined;
  }
  const model = MODEL.exec(path);
  if (model !== null) {
    const tail = model[1];
    if (tail === '/infer') return method === 'POST' ? 'infer' : undefined;
    if (method !== 'GET') return undefined;
    return tail === '/ready' ? 'model-ready' : 'model-metadata';
  }
  if (method !== 'GET') return undefined;
  switch (path) {
    case '/v2':
      return 'server-metadata';
    case '/v2/health/live':
      return 'server-live';
    case '/v2/health/ready':
      return 'server-ready';
    default:
      return undefined;
  }
}
