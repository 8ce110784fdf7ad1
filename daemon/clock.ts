/**
 * The daemon's one notion of time: what it stamps on records, runs and tokens, when a night is due,
 * and how long pacing windows, Retry-After and backoff waits last. `startDaemon` takes one Clock
 * and hands it (or `now` derived from it) to every part. The daemon runs on the real one; tests
 * inject a virtual clock, shared with the fakes' rate limiters, so a five-minute lockout takes no
 * wall time and no test reads the wall clock to make its point.
 */
export type Clock = {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}
