import { RequestError } from './protocol.ts'

const OAUTH_ERRORS: Record<string, string> = {
  access_denied: 'Huntress sign-in was cancelled, so nothing was connected.',
  invalid_scope: "Huntress would not grant the access trainproof needs. Check the API client's scopes at Huntress.",
  unsupported_response_type: "Huntress didn't accept trainproof's sign-in request. Check the OAuth client at Huntress.",
}

/**
 * Reads the code out of the URL Huntress redirected to. The state must be the one the daemon
 * handed out for this attempt; the daemon checks it again when it exchanges the code.
 */
export function parseRedirect(redirected: string, expectedState: string): { code: string; state: string } {
  const params = new URL(redirected).searchParams
  const error = params.get('error')
  if (error !== null) {
    throw new RequestError('oauth_' + error, OAUTH_ERRORS[error] ?? `Huntress refused the sign-in (${error}).`)
  }
  const code = params.get('code')
  const state = params.get('state')
  if (state !== expectedState) throw new RequestError('invalid_state', 'The sign-in answer belongs to another attempt. Start connecting again.')
  if (code === null || code === '') throw new RequestError('oauth_no_code', 'Huntress came back without an authorisation code. Start connecting again.')
  return { code, state }
}
