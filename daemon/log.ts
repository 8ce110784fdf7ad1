export type Level = 'debug' | 'info' | 'warn' | 'error'
export type Logger = Record<Level, (message: string, fields?: Record<string, unknown>) => void>

const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }
const SECRET_KEY = /token|secret|authorization|password|apikey|api_key|cookie|code_verifier|sealed/i

/**
 * Replaces the value of every key that looks like it holds a secret, at any depth. An object met
 * again inside itself becomes "[circular]", so a cyclic value can still be logged.
 */
export function redact(value: unknown): unknown {
  return redactIn(value, new Set())
}

function redactIn(value: unknown, ancestors: Set<object>): unknown {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (ancestors.has(value)) return '[circular]'
  ancestors.add(value)
  try {
    if (Array.isArray(value)) return value.map((item) => redactIn(item, ancestors))
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redactIn(item, ancestors)]),
    )
  } finally {
    ancestors.delete(value)
  }
}

/** One JSON line per event on stderr (stdout carries only the listening line). */
export function createLogger(level: Level | 'silent', write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const emit = (at: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return
    write(`${line(at, message, fields)}\n`)
  }
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
}

function line(at: Level, message: string, fields?: Record<string, unknown>): string {
  const time = new Date().toISOString()
  try {
    const extra = fields ? (redact(fields) as Record<string, unknown>) : {}
    return JSON.stringify({ time, level: at, message, ...extra })
  } catch {
    // Too deep to serialise (or a getter that throws): the event is still logged, without its fields.
    return JSON.stringify({ time, level: at, message, fields: '[unloggable]' })
  }
}
