import { describe, expect, it } from 'vitest'
import { CHANNEL, isEnvelope, RequestError, unwrap } from '../../../extension/utils/protocol.ts'

describe('isEnvelope', () => {
  it.each([
    [{ channel: CHANNEL, kind: 'refresh' }, true],
    [{ channel: CHANNEL, kind: 'reset', args: { email: 'a@b.c', training: 'hipaa' } }, true],
    [{ channel: CHANNEL, kind: 'deleteEverything' }, false],
    [{ channel: 'other/v1', kind: 'refresh' }, false],
    [{ kind: 'refresh' }, false],
    ['refresh', false],
    [null, false],
  ])('accepts only our channel and known kinds: %j → %s', (message, expected) => {
    expect(isEnvelope(message)).toBe(expected)
  })
})

describe('unwrap', () => {
  it('returns the value of a successful reply', () => {
    expect(unwrap({ ok: true, value: 42 })).toBe(42)
  })

  it('throws a RequestError carrying the code and the sentence of a failed reply', () => {
    const actual = () => unwrap({ ok: false, error: { code: 'forbidden', message: 'Reviewers may not change anything.' } })

    expect(actual).toThrow(RequestError)
    expect(actual).toThrow('Reviewers may not change anything.')
  })

  it('explains a missing answer instead of failing on undefined', () => {
    expect(() => unwrap(undefined)).toThrow('The extension did not answer. Reload it and try again.')
  })
})
