/**
 * Plays the browser's part of a sign-in at the sandbox IdP without a browser: follows the
 * authorization request's redirects (keeping the IdP's cookies), signing `email` in through the
 * `login_hint` shortcut, and returns the URL the IdP finally sends the browser to: the client's
 * redirect URI with `code` and `state` (or `error`).
 */
export async function signInHeadless(authorizeUrl: string, email: string): Promise<URL> {
  let url = new URL(authorizeUrl)
  url.searchParams.set('login_hint', email)
  const idpOrigin = url.origin
  const cookies = new Map<string, string>()
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const value = pair.slice(eq + 1).trim()
      if (value === '') cookies.delete(pair.slice(0, eq).trim())
      else cookies.set(pair.slice(0, eq).trim(), value)
    }
    const location = res.headers.get('location')
    await res.body?.cancel()
    if (res.status < 300 || res.status >= 400 || location === null) {
      throw new Error(`the IdP answered ${res.status} at ${url.pathname} instead of redirecting`)
    }
    url = new URL(location, url)
    if (url.origin !== idpOrigin) return url
  }
  throw new Error('too many redirects at the IdP')
}
