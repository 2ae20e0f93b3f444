// The instance's own endpoints under /__easel/: readiness, liveness and stats.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EaselError, Errors } from '../contract/errors.js';
import { INSTANCE_PATHS, type InstanceStats } from '../contract/instance.js';
import { sendError, sendJson } from './respond.js';

/** What the endpoints need to know about the host. */
export interface HealthView {
  /** undefined when ready; otherwise the error that explains why not. */
  notReady(): EaselError | undefined;
  /** undefined when live; otherwise the error that explains why not. */
  notLive(): EaselError | undefined;
  stats(): InstanceStats;
  /** Responses carry Connection: close while the host drains. */
  readonly draining: boolean;
}

export function serveHealth(view: HealthView, req: IncomingMessage, res: ServerResponse, path: string): void {
  const close = view.draining;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, new EaselError(Errors.RouteNotFound, { method: req.method ?? '?', url: path }), close);
    return;
  }
  switch (path) {
    case INSTANCE_PATHS.ready: {
      const err = view.notReady();
      if (err === undefined) sendJson(res, 200, { ready: true }, close);
      else sendError(res, err, close);
      return;
    }
    case INSTANCE_PATHS.live: {
      const err = view.notLive();
      if (err === undefined) sendJson(res, 200, { live: true }, close);
      else sendError(res, err, close);
      return;
    }
    case INSTANCE_PATHS.stats:
      sendJson(res, 200, view.stats(), close);
      return;
    default:
      sendError(res, new EaselError(Errors.RouteNotFound, { method: req.method, url: path }), close);
  }
}
