export type Level = 'debug' | 'info' | 'warn' | 'error'
export type Logger = Record<Level, (message: string, fields?: Record<string, unknown>) => void>

const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }
const SECRET_KEY = /token|secret|authorization|password|apikey|api_key|cookie|code_verifier|sealed/i

/** Replaces the value of every key that looks like it holds a secret, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1)]),
  )
}

/** One JSON line per event on stderr (stdout carries only the listening line). */
export function createLogger(level: Level | 'silent', write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const emit = (at: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return
    const extra = fields ? (redact(fields) as Record<string, unknown>) : {}
    write(`${JSON.stringify({ time: new Date().toISOString(), level: at, message, ...extra })}\n`)
  }
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
}
