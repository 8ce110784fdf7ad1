/** A hello-world Hono on @hono/node-server: the ceiling the daemon's API is compared with. */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'

const app = new Hono().get('/', (c) => c.text('Hello Hono!'))
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
