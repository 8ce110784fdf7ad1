/**
 * Time as the provider HTTP layer sees it: pacing windows, Retry-After and backoff waits. The daemon
 * uses the real one; tests inject a virtual clock (shared with the fakes' rate limiters) so a
 * five-minute lockout takes no wall time and no test reads the wall clock to make its point.
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
