import { RequestError } from './protocol.ts'

/** Who the sign-in was with, and what the person does next, for the sentences below. */
export type RedirectContext = { who: string; retry: string; cancelled: string }

/** Connecting a provider by signing in at it ("Huntress sign-in was cancelled, so nothing was connected."). */
export const connectContext = (who: string): RedirectContext => ({
  who,
  retry: 'Start connecting again.',
  cancelled: 'nothing was connected',
})

const OAUTH_ERRORS: Record<string, (context: RedirectContext) => string> = {
  access_denied: ({ who, cancelled }) => `${who} sign-in was cancelled, so ${cancelled}.`,
  invalid_scope: ({ who }) => `${who} would not grant the access trainproof needs. Check the client's scopes at ${who}.`,
  unsupported_response_type: ({ who }) => `${who} didn't accept trainproof's sign-in request. Check the OAuth client at ${who}.`,
}

/**
 * Reads the code out of the URL the provider redirected to. The state must be the one the daemon
 * handed out for this attempt; the daemon checks it again when it exchanges the code.
 */
export function parseRedirect(redirected: string, expectedState: string, context: RedirectContext): { code: string; state: string } {
  const params = new URL(redirected).searchParams
  const error = params.get('error')
  if (error !== null) {
    throw new RequestError(`oauth_${error}`, OAUTH_ERRORS[error]?.(context) ?? `${context.who} refused the sign-in (${error}).`)
  }
  const code = params.get('code')
  const state = params.get('state')
  if (state !== expectedState) throw new RequestError('invalid_state', `The sign-in answer belongs to another attempt. ${context.retry}`)
  if (code === null || code === '')
    throw new RequestError('oauth_no_code', `${context.who} came back without an authorisation code. ${context.retry}`)
  return { code, state }
}
