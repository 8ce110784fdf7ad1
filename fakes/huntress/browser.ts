export type AuthorizationOutcome = {
  /** Where the browser was sent (the redirect URI with its query). */
  location: URL
  code: string | null
  state: string | null
  error: string | null
}

/**
 * Plays the browser of an admin on the fake: opens the authorize URL with the fake-only
 * `approve=1` (or `approve=0`) and reads the 302 that would take the browser back.
 */
export async function decideAuthorization(authorizeUrl: string, approve = true): Promise<AuthorizationOutcome> {
  const url = new URL(authorizeUrl)
  url.searchParams.set('approve', approve ? '1' : '0')
  const response = await fetch(url, { redirect: 'manual' })
  await response.body?.cancel()
  const target = response.headers.get('location')
  if (response.status !== 302 || !target) throw new Error(`fake authorize answered ${response.status}, not a redirect`)
  const location = new URL(target)
  const get = (key: string) => location.searchParams.get(key)
  return { location, code: get('code'), state: get('state'), error: get('error') }
}
