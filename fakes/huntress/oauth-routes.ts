import { Hono } from 'hono'
import type { Context } from 'hono'
import { parseScope, type OAuthClient, type OAuthFailure, type OAuthState } from './oauth-state.ts'

type AuthorizeRequest = {
  client: OAuthClient
  redirectUri: string
  state: string | null
  scope: string[]
  codeChallenge: string
  params: Record<string, string>
}

type Checked = { ok: true; request: AuthorizeRequest } | { ok: false; response: Response }

const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method']

/**
 * `/oauth/authorize` (an approve page, or `approve=1|0` for tests) and `/oauth/token`
 * (authorization_code with PKCE S256, refresh_token with rotation).
 */
export function oauthRoutes(state: OAuthState): Hono {
  const app = new Hono()

  app.get('/authorize', (c) => {
    const checked = checkAuthorize(state, new URLSearchParams(new URL(c.req.url).search))
    if (!checked.ok) return checked.response
    const approve = c.req.query('approve')
    if (approve === '1' || approve === '0') return decide(state, checked.request, approve === '1')
    return c.html(approvePage(checked.request))
  })

  app.post('/authorize', async (c) => {
    const form = new URLSearchParams(await c.req.text())
    const checked = checkAuthorize(state, form)
    if (!checked.ok) return checked.response
    return decide(state, checked.request, form.get('decision') === 'approve')
  })

  app.post('/token', async (c) => {
    const type = c.req.header('content-type') ?? ''
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded'))
      return tokenError(c, { status: 400, error: 'invalid_request', description: 'The body must be form-encoded.' })
    const form = new URLSearchParams(await c.req.text())
    const client = state.authenticate(form, c.req.header('authorization'))
    if ('status' in client) return tokenError(c, client)
    const grantType = form.get('grant_type')
    const result =
      grantType === 'authorization_code'
        ? state.exchangeCode(client, form)
        : grantType === 'refresh_token'
          ? state.refresh(client, form)
          : null
    if (result === null) return tokenError(c, { status: 400, error: 'unsupported_grant_type', description: 'Unsupported grant_type.' })
    if (!result.ok) return tokenError(c, result.failure)
    c.header('cache-control', 'no-store')
    return c.json(result.body)
  })

  return app
}

function tokenError(c: Context, failure: OAuthFailure): Response {
  c.header('cache-control', 'no-store')
  if (failure.status === 401) c.header('www-authenticate', 'Basic realm="oauth"')
  return c.json({ error: failure.error, error_description: failure.description }, failure.status)
}

/**
 * RFC 6749 §4.1.2.1: a bad client or redirect URI is shown, never redirected to; every other
 * problem goes back to the (verified) redirect URI with `error`.
 */
function checkAuthorize(state: OAuthState, params: URLSearchParams): Checked {
  const client = state.clients.get(params.get('client_id') ?? '')
  if (!client) return { ok: false, response: errorPage('Unknown client_id.') }
  const redirectUri = params.get('redirect_uri') ?? ''
  if (!client.redirectUris.includes(redirectUri))
    return { ok: false, response: errorPage('redirect_uri is not registered for this client.') }
  const back = (error: string): Checked => ({
    ok: false,
    response: redirectWith(redirectUri, { error, state: params.get('state') }),
  })
  if (params.get('response_type') !== 'code') return back('unsupported_response_type')
  const codeChallenge = params.get('code_challenge') ?? ''
  const s256 = params.get('code_challenge_method') === 'S256' && /^[A-Za-z0-9_-]{43}$/.test(codeChallenge)
  if (!s256) return back('invalid_request')
  const scope = parseScope(params.get('scope')) ?? client.scopes
  if (scope.some((item) => !client.scopes.includes(item))) return back('invalid_scope')
  const kept = AUTHORIZE_PARAMS.flatMap((key) => {
    const value = params.get(key)
    return value === null ? [] : [[key, value] as const]
  })
  return {
    ok: true,
    request: { client, redirectUri, state: params.get('state'), scope, codeChallenge, params: Object.fromEntries(kept) },
  }
}

function decide(state: OAuthState, request: AuthorizeRequest, approved: boolean): Response {
  if (!approved) return redirectWith(request.redirectUri, { error: 'access_denied', state: request.state })
  const code = state.issueCode({
    clientId: request.client.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scope: request.scope,
  })
  return redirectWith(request.redirectUri, { code, state: request.state })
}

function redirectWith(redirectUri: string, params: Record<string, string | null>): Response {
  const url = new URL(redirectUri)
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value)
  return new Response(null, { status: 302, headers: { location: url.toString(), 'cache-control': 'no-store' } })
}

function errorPage(message: string): Response {
  const html = `<!doctype html><title>Huntress SAT (fake)</title><h1>Authorization failed</h1><p>${escapeHtml(message)}</p>`
  return new Response(html, { status: 400, headers: { 'content-type': 'text/html; charset=utf-8' } })
}

function approvePage(request: AuthorizeRequest): string {
  const hidden = Object.entries(request.params)
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
    .join('')
  const scopes = request.scope.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Huntress Managed SAT (fake) — authorize</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>Huntress Managed SAT</h1>
<p>This is a test double. You are signed in as <b>admin@example.test</b>.</p>
<p><b>${escapeHtml(request.client.clientId)}</b> asks to read:</p><ul>${scopes}</ul>
<form method="post" action="/oauth/authorize">${hidden}
<button id="approve" type="submit" name="decision" value="approve">Approve</button>
<button id="deny" type="submit" name="decision" value="deny">Deny</button>
</form></body></html>`
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
