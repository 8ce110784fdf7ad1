/** Failures a test can make the fake serve instead of a normal answer. */
export type FakeFault =
  /** Any status with a `{"message": …}` body (500, 503, 403, …). */
  | { kind: 'status'; status: number; message?: string }
  /** A 429 as if a limit were hit; `retryAfterSeconds` null leaves the header out. */
  | { kind: 'rate-limit'; retryAfterSeconds?: number | null }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed-json' }
  /** 200 with JSON that breaks the contract (by default an object no endpoint answers). */
  | { kind: 'bad-shape'; body?: unknown }
  /** Any JSON body with any status: rows the model cannot express, odd gateway answers. */
  | { kind: 'json'; body: unknown; status?: number }
  /** Answers normally after a pause. */
  | { kind: 'delay'; ms: number }
  /** Answers normally once `until` settles: a test holds a request while it changes things. */
  | { kind: 'hold'; until: Promise<unknown>; onHeld?: () => void }
  /** Never answers (until the fake closes): for timeouts. */
  | { kind: 'hang' }
  /** Destroys the socket without an answer. */
  | { kind: 'reset' }

export type FaultOptions = {
  /** How many matching requests get the fault (default 1). */
  times?: number
  /** Only requests whose path equals this string or matches this pattern. */
  path?: string | RegExp
  /** Matching requests to let through untouched first (default 0). */
  after?: number
}

type Armed = { fault: FakeFault; left: number; skip: number; path: string | RegExp | undefined }

export class FaultQueue {
  private armed: Armed[] = []

  inject(fault: FakeFault, { times = 1, path, after = 0 }: FaultOptions = {}): void {
    this.armed.push({ fault, left: times, skip: after, path })
  }

  /** The fault for a request to `path`, consuming one use, or null. */
  take(path: string): FakeFault | null {
    const found = this.armed.find((armed) => matches(armed.path, path))
    if (!found) return null
    if (found.skip > 0) {
      found.skip--
      return null
    }
    found.left--
    if (found.left <= 0) this.armed = this.armed.filter((armed) => armed !== found)
    return found.fault
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
  return typeof pattern === 'string' ? pattern === path : pattern.test(path)
}
