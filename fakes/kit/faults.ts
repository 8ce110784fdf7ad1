/**
 * The one fault vocabulary of every provider fake: what a test can make a fake do instead of a
 * normal answer. Each fake renders the answers in its provider's own wire format (KnowBe4's
 * `{"message"}`, Huntress's JSON:API errors) through `resolveFault`.
 */
export type Fault =
  /** This status with the provider's error body (500, 503, 403, …). */
  | { kind: 'status'; status: number; message?: string }
  /** A 429 as if a limit were hit; with `Retry-After: <retryAfter>` when given, without the header when omitted or null. */
  | { kind: 'rate_limit'; retryAfter?: number | string | null }
  /** 200 whose body is not JSON. */
  | { kind: 'malformed_json' }
  /** 200 with JSON that breaks the contract (the provider's default, or this body). */
  | { kind: 'bad_shape'; body?: unknown }
  /** Any JSON body with any status: rows the model cannot express, odd gateway answers. */
  | { kind: 'json'; body: unknown; status?: number }
  /** Waits, then answers normally. */
  | { kind: 'delay'; ms: number }
  /** Answers normally once `until` settles: a test holds a request while it changes things. */
  | { kind: 'hold'; until: Promise<unknown>; onHeld?: () => void }
  /** Never answers (until the fake closes): for timeouts. */
  | { kind: 'hang' }
  /** Destroys the socket without an answer. */
  | { kind: 'drop' }
  /** Expires every access token, then serves the request (so it is answered 401). OAuth providers only. */
  | { kind: 'expire_token' }

export type FaultKind = Fault['kind']

export type FaultOptions = {
  /** How many matching requests get the fault (default 1). */
  times?: number
  /** Matching requests to let through untouched first (default 0). */
  after?: number
  /** Only requests whose path contains this string or matches this pattern (default: every request). */
  path?: string | RegExp
}

type Armed = { fault: Fault; left: number; skip: number; path: string | RegExp | undefined }

/** Faults armed by a test, taken one use at a time by the requests they match. */
export class FaultQueue {
  private armed: Armed[] = []

  inject(fault: Fault, { times = 1, path, after = 0 }: FaultOptions = {}): void {
    this.armed.push({ fault, left: times, skip: after, path })
  }

  /** The fault for a request to `path`, consuming one use, or null. */
  take(path: string): Fault | null {
    for (const armed of this.armed) {
      if (armed.left <= 0 || !matches(armed.path, path)) continue
      if (armed.skip > 0) {
        armed.skip--
        continue
      }
      armed.left--
      if (armed.left <= 0) this.armed = this.armed.filter((item) => item !== armed)
      return armed.fault
    }
    return null
  }

  get pending(): number {
    return this.armed.reduce((sum, armed) => sum + armed.left, 0)
  }

  clear(): void {
    this.armed = []
  }
}

function matches(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path)
}

/** How a fake says things in its provider's format. */
export type FaultDialect = {
  /** The provider's error body for this status. */
  error(status: number, message: string | undefined): string
  /** The body of a 429 the provider sends. */
  rateLimited: string
  /** A truncated body for `malformed_json`. */
  malformed: string
  /** The provider's default contract-breaking JSON for `bad_shape`. */
  badShape: unknown
  /** Expires every access token (OAuth fakes); absent where tokens do not expire. */
  expireTokens?(): void
}

/** What the fake does with the request: answer this, answer normally (after any wait), hang, or drop the socket. */
export type FaultOutcome =
  | { do: 'answer'; status: number; body: string; headers: Record<string, string> }
  | { do: 'serve' }
  | { do: 'hang' }
  | { do: 'drop' }

/** Carries out a fault in a provider's dialect (waits happen here; the fake writes the answer). */
export async function resolveFault(fault: Fault, dialect: FaultDialect): Promise<FaultOutcome> {
  const answer = (status: number, body: string, headers: Record<string, string> = {}): FaultOutcome => ({
    do: 'answer',
    status,
    body,
    headers,
  })
  switch (fault.kind) {
    case 'status':
      return answer(fault.status, dialect.error(fault.status, fault.message))
    case 'rate_limit':
      return answer(
        429,
        dialect.rateLimited,
        fault.retryAfter === undefined || fault.retryAfter === null ? {} : { 'retry-after': String(fault.retryAfter) },
      )
    case 'malformed_json':
      return answer(200, dialect.malformed)
    case 'bad_shape':
      return answer(200, JSON.stringify(fault.body ?? dialect.badShape))
    case 'json':
      return answer(fault.status ?? 200, JSON.stringify(fault.body))
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms))
      return { do: 'serve' }
    case 'hold':
      fault.onHeld?.()
      await fault.until.catch(() => undefined)
      return { do: 'serve' }
    case 'hang':
      return { do: 'hang' }
    case 'drop':
      return { do: 'drop' }
    case 'expire_token':
      if (!dialect.expireTokens) throw new Error('expire_token: this fake has no tokens that expire')
      dialect.expireTokens()
      return { do: 'serve' }
  }
}
