import { describe, expect, it } from 'vitest'
import { connectContext, parseRedirect } from '../../../extension/utils/oauth-redirect.ts'

const BASE = 'https://obedlepadecokjhoneojjibcgdjngfda.chromiumapp.org/huntress'

describe('parseRedirect', () => {
  it('returns the code when the state is the one handed out', () => {
    expect(parseRedirect(`${BASE}?code=abc&state=s1`, 's1', connectContext('Huntress'))).toEqual({ code: 'abc', state: 's1' })
  })

  it.each([
    [`${BASE}?error=access_denied&state=s1`, 'Huntress sign-in was cancelled, so nothing was connected.'],
    [`${BASE}?error=server_error&state=s1`, 'Huntress refused the sign-in (server_error).'],
    [`${BASE}?code=abc&state=other`, 'The sign-in answer belongs to another attempt. Start connecting again.'],
    [`${BASE}?state=s1`, 'Huntress came back without an authorisation code. Start connecting again.'],
  ])('explains a failed redirect in a sentence: %s', (url, expected) => {
    expect(() => parseRedirect(url, 's1', connectContext('Huntress'))).toThrow(expected)
  })
})
