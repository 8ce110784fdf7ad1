import type { HttpBindings } from '@hono/node-server'
import type { Context, Next } from 'hono'
import { FaultQueue, resolveFault, type Fault, type FaultDialect, type FaultKind, type FaultOptions } from '../kit/faults.ts'

export type { Fault, FaultOptions } from '../kit/faults.ts'

export type RequestLogEntry = {
  method: string
  path: string
  query: Record<string, string>
  /** 0 when the connection was reset. */
  status: number
  /** The OAuth client behind the bearer token, when there was a valid one. */
  clientId: string | null
  /** The bearer token as presented (a test fake may keep it; lets tests see which token was used when). */
  bearer: string | null
  fault: FaultKind | null
}

export type FaultHooks = { expireAccessTokens(): void }
type FakeContext = Context<{ Bindings: HttpBindings; Variables: { clientId: string | null } }>

const errorBody = (status: number, title: string, detail: string) => JSON.stringify({ errors: [{ status: String(status), title, detail }] })

/** The request log and the fault queue (the shared vocabulary, in JSON:API's format), as one middleware in front of every route. */
export class FaultInjector {
  readonly log: RequestLogEntry[] = []
  private readonly queue = new FaultQueue()
  private readonly dialect: FaultDialect

  constructor(hooks: FaultHooks) {
    this.dialect = {
      error: (status, message) => errorBody(status, 'Injected failure', message ?? 'The fake was told to fail this request.'),
      rateLimited: errorBody(429, 'Too Many Requests', 'Rate limit exceeded.'),
      malformed: '{"data": [{"type": "assignments", "id": ',
      badShape: { data: [{ type: 'assignments' }], meta: { page: 'one' } },
      expireTokens: () => hooks.expireAccessTokens(),
    }
  }

  inject(fault: Fault, options: FaultOptions = {}): void {
    this.queue.inject(fault, options)
  }

  clear(): void {
    this.queue.clear()
  }

  middleware = async (c: FakeContext, next: Next) => {
    const url = new URL(c.req.url)
    const entry: RequestLogEntry = {
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      clientId: null,
      bearer: /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? null,
      fault: null,
    }
    this.log.push(entry)
    const fault = this.queue.take(url.pathname)
    entry.fault = fault?.kind ?? null
    const outcome = fault ? await resolveFault(fault, this.dialect) : { do: 'serve' as const }
    if (outcome.do === 'hang') return new Promise<void>(() => {}) as never
    if (outcome.do === 'drop') {
      c.env.incoming.socket.destroy()
      return new Promise<void>(() => {}) as never
    }
    if (outcome.do === 'answer') {
      entry.status = outcome.status
      return new Response(outcome.body, { status: outcome.status, headers: { 'content-type': JSON_API, ...outcome.headers } })
    }
    await next()
    entry.status = c.res.status
    entry.clientId = c.get('clientId') ?? null
  }
}

export const JSON_API = 'application/vnd.api+json'

export function jsonApiError(status: number, title: string, detail: string): Response {
  return new Response(JSON.stringify({ errors: [{ status: String(status), title, detail }] }), {
    status,
    headers: { 'content-type': JSON_API },
  })
}
