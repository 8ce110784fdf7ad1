import { describe, expect, it } from 'vitest'
import { createLogger, redact } from '../../daemon/log.ts'

function capture() {
  const lines: string[] = []
  return { lines, log: createLogger('debug', (line) => void lines.push(line)) }
}

/** `{ a: { a: … { apiToken } } }`, `depth` levels down. */
function nested(depth: number, leaf: Record<string, unknown>): Record<string, unknown> {
  let value: Record<string, unknown> = leaf
  for (let level = 0; level < depth; level++) value = { a: value }
  return value
}

describe('log redaction', () => {
  it.each([1, 7, 8, 20, 500])('redacts a secret %i levels down', (depth) => {
    const { lines, log } = capture()

    log.info('deep', nested(depth, { apiToken: 'SECRET-AT-DEPTH', note: 'kept' }))

    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toContain('SECRET-AT-DEPTH')
    expect(lines[0]).toContain('[redacted]')
    expect(lines[0]).toContain('kept')
  })

  it('survives a cycle and still redacts around it', () => {
    const { lines, log } = capture()
    const loop: Record<string, unknown> = { name: 'loop', inner: { client_secret: 'CYCLE-SECRET' } }
    loop.self = loop
    ;(loop.inner as Record<string, unknown>).back = loop

    log.warn('cyclic', { loop })

    expect(lines).toHaveLength(1)
    const parsed = JSON.parse(lines[0]!)
    expect(parsed.loop.self).toBe('[circular]')
    expect(parsed.loop.inner).toEqual({ client_secret: '[redacted]', back: '[circular]' })
    expect(lines[0]).not.toContain('CYCLE-SECRET')
  })

  it('keeps a shared (non-cyclic) object in every place it appears', () => {
    const shared = { refresh_token: 'R', id: 7 }

    expect(redact({ first: shared, second: [shared] })).toEqual({
      first: { refresh_token: '[redacted]', id: 7 },
      second: [{ refresh_token: '[redacted]', id: 7 }],
    })
  })

  it('redacts secrets inside arrays and under every secret-looking key', () => {
    const { lines, log } = capture()

    log.info('x', { apiToken: 'A1', nested: [{ refresh_token: 'B2', client_secret: 'C3' }], headers: { Authorization: 'Bearer D4' } })

    expect(lines.join('')).not.toMatch(/A1|B2|C3|D4/)
  })

  it('still writes the event when the fields cannot be serialised', () => {
    const { lines, log } = capture()

    log.error('bigint', { value: 10n })

    expect(JSON.parse(lines[0]!)).toMatchObject({ message: 'bigint', fields: '[unloggable]' })
  })
})
