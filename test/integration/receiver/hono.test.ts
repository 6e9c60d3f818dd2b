// fetchHandler inside a Hono app on @hono/node-server, through the shared adapter suite.
import { once } from 'node:events';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { fetchHandler } from '../../../src/receiver/adapters/fetch-handler.js';
import { describeReceiverAdapter, listening } from './adapter-suite.js';

describeReceiverAdapter('fetchHandler in Hono (@hono/node-server)', async (receiver) => {
  const handler = fetchHandler(receiver);
  const app = new Hono();
  app.post('/webhooks', (c) => handler(c.req.raw));
  app.all('/webhooks', (c) => handler(c.req.raw));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await once(server, 'listening');
  return listening(server);
});
