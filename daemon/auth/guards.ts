import type { MiddlewareHandler } from 'hono'
import { AppError } from '../errors.ts'

const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension):\/\/[a-z0-9-]+$/i

/**
 * DNS-rebinding guard: a page on evil.example that rebinds its name to 127.0.0.1 still sends
 * `Host: evil.example`, so only loopback names with our port (and configured hosts) pass.
 */
export function hostGuard(port: () => number, extraHosts: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const host = (c.req.header('host') ?? '').toLowerCase()
    const p = port()
    const allowed = host === `127.0.0.1:${p}` || host === `localhost:${p}` || host === `[::1]:${p}` || extraHosts.includes(host)
    if (!allowed) throw new AppError('forbidden_host', 'This Host is not allowed to reach trainproof.')
    await next()
  }
}

export function isAllowedOrigin(origin: string, allowedOrigins: readonly string[]): boolean {
  return EXTENSION_ORIGIN.test(origin) || allowedOrigins.includes(origin)
}

/**
 * A web page in the same browser may send requests to loopback; browsers tag them with its
 * Origin. Only the extension's own origins (and configured ones) get through, and only they get
 * CORS headers. Requests without Origin (curl, scripts, the extension's service worker in some
 * browsers) are judged by their token alone.
 */
export function originGuard(allowedOrigins: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin')
    if (origin === undefined) return next()
    if (!isAllowedOrigin(origin, allowedOrigins)) throw new AppError('forbidden_origin', 'This origin may not call trainproof.')
    c.header('access-control-allow-origin', origin)
    c.header('vary', 'Origin')
    if (c.req.method === 'OPTIONS') {
      c.header('access-control-allow-methods', 'GET, POST, PUT, DELETE')
      c.header('access-control-allow-headers', 'authorization, content-type')
      c.header('access-control-max-age', '600')
      return c.body(null, 204)
    }
    await next()
  }
}
