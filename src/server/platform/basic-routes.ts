// The small routes: health check and the stylesheet.
import type { FastifyInstance } from 'fastify';
import { STYLESHEET } from './stylesheet';
import { STYLESHEET_PATH } from './layout';

export function basicRoutes(app: FastifyInstance): void {
  app.get('/healthz', async (_request, reply) => reply.type('application/json; charset=utf-8').send({ ok: true }));

  app.get(STYLESHEET_PATH, async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=300').type('text/css; charset=utf-8').send(STYLESHEET),
  );
}
