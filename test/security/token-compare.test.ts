import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ADMIN_TOKEN, startTestDaemon, type TestDaemon } from '../helpers/daemon.ts'

/** Every constant-time comparison the daemon makes: the byte lengths of both sides. */
const compared = vi.hoisted(() => [] as [number, number][])

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>()
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.push([a.byteLength, b.byteLength])
    return actual.timingSafeEqual(a, b)
  }
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual }
})

let daemon: TestDaemon
let issued: string

beforeAll(async () => {
  daemon = await startTestDaemon()
  const answer = await daemon.api('/tokens', { method: 'POST', json: { role: 'access_reviewer' } })
  issued = ((await answer.json()) as { token: string }).token
})
afterAll(() => daemon.stop())
beforeEach(() => {
  compared.length = 0
})

const oneOff = (token: string) => token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
const status = async (token: string) => (await daemon.api('/me', { token })).status

describe('bearer tokens are compared in constant time, as fixed-length digests', () => {
  it.each([
    ['the admin token', () => ADMIN_TOKEN, 200],
    ['an issued token', () => issued, 200],
    ['the admin token, one character off', () => oneOff(ADMIN_TOKEN), 401],
    ['an issued token, one character off', () => oneOff(issued), 401],
    ['a token of another length', () => 'x'.repeat(500), 401],
    ['a one-character token', () => 'x', 401],
  ])('%s: answered as it should, after comparing only 32-byte digests with timingSafeEqual', async (_case, token, expected) => {
    expect(await status(token())).toBe(expected)

    // The presented token is compared at least once (with the admin token's digest), and never
    // as itself: both sides of every comparison are SHA-256 digests, whatever its length.
    expect(compared.length).toBeGreaterThanOrEqual(1)
    expect(compared.every(([a, b]) => a === 32 && b === 32)).toBe(true)
  })

  it('a near miss takes the same comparisons as a stranger (no early exit on a shared prefix)', async () => {
    await status(oneOff(issued))
    const nearMiss = compared.splice(0).length
    await status(`tp_${'z'.repeat(43)}`)
    const stranger = compared.splice(0).length

    expect(nearMiss).toBe(stranger)
  })
})
