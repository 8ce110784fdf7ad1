import type { HttpBindings } from '@hono/node-server'
import type { Context, Next } from 'hono'

/** Something going wrong on purpose, for the next matching request(s). */
export type Fault =
  /** Answers with this status and a JSON:API error body (500, 502, 503…). */
  | { type: 'status'; status: number }
  /** 429; with `Retry-After: <retryAfter>` when given, without the header when omitted. */
  | { type: 'rate-limit'; retryAfter?: number | string }
  /** 200 whose body is not JSON. */
  | { type: 'malformed-json' }
  /** 200 with JSON that breaks the JSON:API contract (no ids, a string for meta.page). */
  | { type: 'schema-break' }
  /** Waits, then answers normally. */
  | { type: 'slow'; delayMs: number }
  /** Answers normally once `until` settles: a test holds a request while it changes things. */
  | { type: 'hold'; until: Promise<unknown>; onHeld?: () => void }
  /** Destroys the socket without an answer. */
  | { type: 'reset' }
  /** Expires every access token, then serves the request (so it is answered 401). */
  | { type: 'expire-access-tokens' }

export type FaultOptions = {
  /** How many matching requests get the fault (default 1). */
  times?: number
  /** Matching requests to let through untouched first (default 0). */
  after?: number
  /** Path filter: a substring of the path, or a RegExp tested on it. Default: every request. */
  match?: string | RegExp
}

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
  fault: Fault['type'] | null
}

type Rule = { fault: Fault; skip: number; remaining: number; match: string | RegExp | undefined }

export type FaultHooks = { expireAccessTokens(): void }
type FakeContext = Context<{ Bindings: HttpBindings; Variables: { clientId: string | null } }>

/** The request log and the fault queue, as one middleware in front of every route. */
export class FaultInjector {
  readonly log: RequestLogEntry[] = []
  private rules: Rule[] = []

  constructor(private readonly hooks: FaultHooks) {}

  inject(fault: Fault, options: FaultOptions = {}): void {
    this.rules.push({ fault, skip: options.after ?? 0, remaining: options.times ?? 1, match: options.match })
  }

  clear(): void {
    this.rules = []
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
    const fault = this.take(url.pathname)
    entry.fault = fault?.type ?? null
    const early = fault ? await this.apply(fault, c) : null
    if (early === 'reset') return new Promise<void>(() => {}) as never
    if (early) {
      entry.status = early.status
      return early
    }
    await next()
    entry.status = c.res.status
    entry.clientId = c.get('clientId') ?? null
  }

  private take(path: string): Fault | null {
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !matches(rule.match, path)) continue
      if (rule.skip > 0) {
        rule.skip--
        continue
      }
      rule.remaining--
      return rule.fault
    }
    return null
  }

  private async apply(fault: Fault, c: FakeContext): Promise<Response | 'reset' | null> {
    switch (fault.type) {
      case 'status':
        return jsonApiError(fault.status, 'Injected failure', 'The fake was told to fail this request.')
      case 'rate-limit': {
        const response = jsonApiError(429, 'Too Many Requests', 'Rate limit exceeded.')
        if (fault.retryAfter !== undefined) response.headers.set('retry-after', String(fault.retryAfter))
        return response
      }
      case 'malformed-json':
        return new Response('{"data": [{"type": "assignments", "id": ', { headers: { 'content-type': JSON_API } })
      case 'schema-break':
        return new Response(JSON.stringify({ data: [{ type: 'assignments' }], meta: { page: 'one' } }), {
          headers: { 'content-type': JSON_API },
        })
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
        return null
      case 'hold':
        fault.onHeld?.()
        await fault.until.catch(() => undefined)
        return null
      case 'reset':
        c.env.incoming.socket.destroy()
        return 'reset'
      case 'expire-access-tokens':
        this.hooks.expireAccessTokens()
        return null
    }
  }
}

export const JSON_API = 'application/vnd.api+json'

export function jsonApiError(status: number, title: string, detail: string): Response {
  return new Response(JSON.stringify({ errors: [{ status: String(status), title, detail }] }), {
    status,
    headers: { 'content-type': JSON_API },
  })
}

function matches(match: string | RegExp | undefined, path: string): boolean {
  if (match === undefined) return true
  return typeof match === 'string' ? path.includes(match) : match.test(path)
}
