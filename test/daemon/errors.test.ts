import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AppError, ERROR_STATUS, ProviderError, type ProviderErrorKind } from '../../daemon/errors.ts'
import { ERROR_CODES, formatIssues } from '../../shared/errors.ts'

describe('the error vocabulary', () => {
  it('gives every code an HTTP error status, and the table lists no code outside the vocabulary', () => {
    for (const code of ERROR_CODES) {
      const { status } = new AppError(code, 'x')
      expect(status >= 400 && status <= 599, `${code} → ${status}`).toBe(true)
    }
    expect(Object.keys(ERROR_STATUS).sort()).toEqual([...ERROR_CODES].sort())
  })

  it('keeps the statuses clients rely on', () => {
    const statusOf = (code: (typeof ERROR_CODES)[number]) => new AppError(code, 'x').status
    expect(statusOf('invalid_request')).toBe(400)
    expect(statusOf('unauthorized')).toBe(401)
    expect(statusOf('forbidden')).toBe(403)
    expect(statusOf('not_found')).toBe(404)
    expect(statusOf('account_choice_required')).toBe(409)
    expect(statusOf('provider_auth_failed')).toBe(422)
    expect(statusOf('recheck_rate_limited')).toBe(429)
    expect(statusOf('storage_failed')).toBe(503)
  })

  it('names a provider failure after its kind unless told otherwise, with the status of that code', () => {
    const kinds: ProviderErrorKind[] = ['auth', 'forbidden', 'not_found', 'rate_limited', 'server', 'timeout', 'network', 'bad_response']
    const answers = kinds.map((kind) => new ProviderError(kind, 'x')).map(({ code, status }) => [code, status])
    expect(answers).toEqual([
      ['provider_auth', 422],
      ['provider_forbidden', 422],
      ['provider_not_found', 502],
      ['provider_rate_limited', 503],
      ['provider_server', 502],
      ['provider_timeout', 504],
      ['provider_network', 502],
      ['provider_bad_response', 502],
    ])
    const rejected = new ProviderError('auth', 'x', { code: 'provider_client_rejected' })
    expect([rejected.code, rejected.status, rejected.kind]).toEqual(['provider_client_rejected', 422, 'auth'])
  })
})

describe('formatIssues', () => {
  const Schema = z.object({ people: z.array(z.object({ email: z.email(), name: z.string() })), label: z.string().min(3, 'too short') })
  const issuesOf = (value: unknown) => {
    const parsed = Schema.safeParse(value)
    if (parsed.success) throw new Error('expected a failure')
    return parsed.error.issues
  }

  it('writes nested paths dotted, with the message', () => {
    const lines = formatIssues(
      issuesOf({
        people: [
          { email: 'ok@example.com', name: 'A' },
          { email: 'nope', name: 'B' },
        ],
        label: 'ab',
      }),
    )
    expect(lines).toEqual([expect.stringMatching(/^people\.1\.email: /), 'label: too short'])
  })

  it('names an issue about the value itself by the root it is given', () => {
    expect(formatIssues(issuesOf(42))).toEqual([expect.stringMatching(/^\(root\): /)])
    expect(formatIssues(issuesOf(42), { root: 'body' })).toEqual([expect.stringMatching(/^body: /)])
  })

  it('lists paths alone once each, up to a limit', () => {
    const issues = [
      { path: ['a', 0], message: 'm1' },
      { path: ['a', 0], message: 'm2' },
      { path: [], message: 'm3' },
      { path: ['b'], message: 'm4' },
    ]
    expect(formatIssues(issues, { messages: false })).toEqual(['a.0', '(root)', 'b'])
    expect(formatIssues(issues, { messages: false, limit: 2 })).toEqual(['a.0', '(root)'])
  })

  it('keeps only the top-level field when asked (the configuration names variables)', () => {
    expect(
      formatIssues([{ path: ['TRAINPROOF_OIDC_EMAIL_DOMAINS', 1], message: 'must be e-mail domains like example.com' }], { depth: 1 }),
    ).toEqual(['TRAINPROOF_OIDC_EMAIL_DOMAINS: must be e-mail domains like example.com'])
  })
})
