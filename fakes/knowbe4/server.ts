import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolveFault } from '../kit/faults.ts'
import { FaultQueue, KNOWBE4_DIALECT, type FakeFault, type FaultOptions } from './faults.ts'
import { KnowBe4Tenant } from './model.ts'
import { RateLimiter, REAL_LIMITS, type FakeLimits } from './rate-limiter.ts'
import { route, type EnrollmentPaging, type FakeAnswer } from './routes.ts'
import { learnerPortalPage } from '../kit/learner-portal.ts'

/** The sandbox learner portal (a browser page, not part of the Reporting API; not logged as an API request). */
export const LEARNER_PORTAL_PATH = '/learner'

type Headers = Record<string, string>

export type KnowBe4FakeOptions = {
  /** Tokens that authenticate (default one: `kb4-fake-token`). */
  tokens?: readonly string[]
  /** Overrides of the real limits (4/s, 50/min, 2,000 + seats a day). */
  limits?: Partial<FakeLimits>
  /** Whether a 429 carries `Retry-After` (the real API's behaviour is unknown; default false). */
  retryAfter?: boolean
  enrollmentPaging?: EnrollmentPaging
  /** The clock the rate limits use. */
  now?: () => number
  /** Request-log entries kept (oldest dropped first); counters are unaffected. */
  logLimit?: number
}

export type RequestLogEntry = {
  at: number
  method: string
  path: string
  query: Record<string, string>
  /** 0 when the socket was reset or the request never answered. */
  status: number
}

export const DEFAULT_FAKE_TOKEN = 'kb4-fake-token'

/** A KnowBe4 Reporting API on 127.0.0.1, as strict as the real one. */
export class KnowBe4Fake {
  readonly tenant = new KnowBe4Tenant()
  readonly faults = new FaultQueue()
  readonly limiter: RateLimiter
  readonly tokens: Set<string>
  retryAfter: boolean
  enrollmentPaging: EnrollmentPaging
  /** Every request received, in order (bounded by `logLimit`). */
  readonly log: RequestLogEntry[] = []
  total = 0
  rateLimited = 0
  private readonly perPath = new Map<string, number>()
  private readonly hanging = new Set<ServerResponse>()
  private readonly now: () => number
  private readonly logLimit: number
  url = ''

  constructor(
    private readonly server: Server,
    options: KnowBe4FakeOptions,
  ) {
    this.tokens = new Set(options.tokens ?? [DEFAULT_FAKE_TOKEN])
    this.limiter = new RateLimiter({ ...REAL_LIMITS, ...options.limits })
    this.retryAfter = options.retryAfter ?? false
    this.enrollmentPaging = options.enrollmentPaging ?? 'both'
    this.now = options.now ?? Date.now
    this.logLimit = options.logLimit ?? 10_000
  }

  /** The first configured token. */
  get token(): string {
    return [...this.tokens][0] ?? DEFAULT_FAKE_TOKEN
  }

  addToken(token: string): void {
    this.tokens.add(token)
  }

  revokeToken(token: string): void {
    this.tokens.delete(token)
  }

  inject(fault: FakeFault, options?: FaultOptions): void {
    this.faults.inject(fault, options)
  }

  setLimits(limits: Partial<FakeLimits>): void {
    this.limiter.limits = { ...this.limiter.limits, ...limits }
  }

  /** Requests received in all, or to one path (`/v1/users`, no query string). */
  count(path?: string): number {
    return path === undefined ? this.total : (this.perPath.get(path) ?? 0)
  }

  /** Zeroes the counters and the log, and forgets the rate-limit windows. */
  resetStats(): void {
    this.total = 0
    this.rateLimited = 0
    this.perPath.clear()
    this.log.length = 0
    this.limiter.reset()
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy()
    this.hanging.clear()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid')
    const path = url.pathname.replace(/\/+$/, '') || '/'
    if (req.method === 'GET' && path === LEARNER_PORTAL_PATH) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(learnerPortalPage('KnowBe4'))
      return
    }
    const entry: RequestLogEntry = {
      at: this.now(),
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    }
    this.record(entry)
    const fault = this.faults.take(path)
    if (fault && (await this.serveFault(fault, req, res, entry))) return
    const answer = this.answer(req, path, url.searchParams, entry.at)
    if (answer.status === 429) this.rateLimited++
    this.send(res, entry, answer.status, JSON.stringify(answer.body), answer.headers)
  }

  private answer(req: IncomingMessage, path: string, query: URLSearchParams, at: number): FakeAnswer & { headers?: Headers } {
    if (req.method !== 'GET') return { status: 405, body: { message: 'Method Not Allowed' } }
    if (!acceptsJson(req.headers.accept)) return { status: 406, body: { message: 'Not Acceptable: ask for JSON' } }
    const token = bearer(req.headers.authorization)
    if (token === null || !this.tokens.has(token)) return { status: 401, body: { message: 'Invalid Token' } }
    const verdict = this.limiter.admit(token, at, this.tenant.seats())
    if (!verdict.ok) {
      const headers: Headers = this.retryAfter ? { 'retry-after': String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))) } : {}
      return { status: 429, body: { message: 'Too many requests were submitted' }, headers }
    }
    return route(this.tenant, path, query, this.enrollmentPaging)
  }

  /** Serves a fault; false when the request should then be answered normally (a delay). */
  private async serveFault(fault: FakeFault, req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry) {
    const outcome = await resolveFault(fault, KNOWBE4_DIALECT)
    switch (outcome.do) {
      case 'answer':
        if (fault.kind === 'rate_limit') this.rateLimited++
        this.send(res, entry, outcome.status, outcome.body, outcome.headers)
        return true
      case 'serve':
        return false
      case 'hang':
        this.hanging.add(res)
        res.on('close', () => this.hanging.delete(res))
        return true
      case 'drop':
        req.socket.destroy()
        return true
    }
  }

  private send(res: ServerResponse, entry: RequestLogEntry, status: number, body: string, headers: Headers = {}): void {
    entry.status = status
    if (res.destroyed) return
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': randomUUID(),
      'cache-control': 'no-cache, no-store',
      ...headers,
    })
    res.end(body)
  }

  private record(entry: RequestLogEntry): void {
    this.total++
    this.perPath.set(entry.path, (this.perPath.get(entry.path) ?? 0) + 1)
    this.log.push(entry)
    if (this.log.length > this.logLimit) this.log.shift()
  }
}

/** Starts a fake on a free port of 127.0.0.1. */
export async function startKnowBe4Fake(options: KnowBe4FakeOptions = {}): Promise<KnowBe4Fake> {
  const server = createServer()
  const fake = new KnowBe4Fake(server, options)
  server.on('request', (req, res) => {
    fake.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ message: error instanceof Error ? error.message : 'fake failed' }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1] ?? null
}

/** No Accept header, or one that admits JSON (`application/json`, `application/*`, `*\/*`, `…+json`). */
function acceptsJson(header: string | undefined): boolean {
  if (header === undefined || header.trim() === '') return true
  return header.split(',').some((part) => {
    const type = (part.split(';')[0] ?? '').trim().toLowerCase()
    return type === '*/*' || type === 'application/*' || type === 'application/json' || type.endsWith('+json')
  })
}
