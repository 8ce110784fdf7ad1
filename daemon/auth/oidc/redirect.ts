/** Chrome/Edge `identity.getRedirectURL()` (`https://<32 letters a-p>.chromiumapp.org/…`) or Firefox's. */
const EXTENSION_REDIRECT = /^https:\/\/([a-p]{32}\.chromiumapp\.org|[a-z0-9-]+\.extensions\.allizom\.org)\/[^\s#]*$/

/** A sign-in may only send the code to a browser extension's identity URL or a configured URI. */
export function isAllowedRedirect(uri: string, configured: readonly string[]): boolean {
  return EXTENSION_REDIRECT.test(uri) || configured.includes(uri)
}
