import { describe, expect, it } from 'vitest'
import { identityFromClaims } from '../../../../daemon/auth/oidc/claims.ts'
import { isAllowedRedirect } from '../../../../daemon/auth/oidc/redirect.ts'
import { AppError } from '../../../../daemon/errors.ts'

const code = (run: () => unknown) => {
  try {
    run()
  } catch (error) {
    return error instanceof AppError ? `${error.status} ${error.code}` : 'other'
  }
  return 'accepted'
}

describe('identityFromClaims', () => {
  it('accepts a verified e-mail, lower-cased, with the name', () => {
    expect(identityFromClaims({ email: ' Ada@Corp.Example ', email_verified: true, name: 'Ada' }, [])).toEqual({
      email: 'ada@corp.example',
      name: 'Ada',
    })
  })

  it.each([
    ['no e-mail', { email_verified: true }, []],
    ['an e-mail that is not one', { email: 'ada', email_verified: true }, []],
    ['email_verified false', { email: 'ada@corp.example', email_verified: false }, []],
    ['email_verified absent and no domains listed', { email: 'ada@corp.example' }, []],
    ['email_verified absent and the domain not listed', { email: 'ada@other.example' }, ['corp.example']],
    ['a verified e-mail at a domain not listed', { email: 'ada@other.example', email_verified: true }, ['corp.example']],
    ['a subdomain of a listed domain', { email: 'ada@evil.corp.example', email_verified: true }, ['corp.example']],
  ])('refuses %s with 403 sign_in_refused', (_name, claims, domains) => {
    expect(code(() => identityFromClaims(claims, domains))).toBe('403 sign_in_refused')
  })

  it('trusts a missing email_verified only for a listed domain', () => {
    expect(code(() => identityFromClaims({ email: 'eve@corp.example' }, ['corp.example']))).toBe('accepted')
  })
})

describe('isAllowedRedirect', () => {
  it.each([
    ['https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/', true],
    ['https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/signin?x=1', true],
    ['https://0a1b2c3d4e.extensions.allizom.org/', true],
    ['https://abcdefghijklmnopabcdefghijklmnoq.chromiumapp.org/', false],
    ['https://abc.chromiumapp.org/', false],
    ['http://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/', false],
    ['https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org.evil.example/', false],
    ['https://evil.example/https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/', false],
    ['https://app.corp.example/cb', true],
  ])('%s → %s', (uri, allowed) => {
    expect(isAllowedRedirect(uri, ['https://app.corp.example/cb'])).toBe(allowed)
  })
})
