import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import type { IdpUser } from './index.ts'

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

function loginPage(uid: string, clientId: string, users: IdpUser[]): string {
  const buttons = users
    .map(
      (u) => `<li><form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <input type="hidden" name="email" value="${escapeHtml(u.email)}">
  <button type="submit" data-testid="idp-user-${escapeHtml(u.email)}"><strong>${escapeHtml(u.name)}</strong><br><small>${escapeHtml(u.email)}</small></button>
</form></li>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sandbox identity provider: sign in</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
ul{list-style:none;padding:0}li{margin:.5rem 0}
button{width:100%;text-align:left;padding:.75rem 1rem;border:1px solid #bbb;border-radius:.5rem;background:#fff;font:inherit;cursor:pointer}
button:hover,button:focus{border-color:#2457c5;outline:2px solid #2457c5}
small{color:#555}
</style></head>
<body><h1>Sandbox identity provider</h1>
<p>Sign in to <strong>${escapeHtml(clientId)}</strong> as one of these people. This is a stand-in for your
company's identity provider: no password is asked.</p>
<ul>${buttons}</ul></body></html>`
}

function send(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  res.end(html)
}

/**
 * The IdP's own pages under /interaction/:uid: a list of people to sign in as with one click, or
 * straight through when the authorization request names a known person in `login_hint`. Consent
 * is implied (see `grantEverything`).
 */
export async function handleInteraction(provider: Provider, users: IdpUser[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://idp')
  const [, , uid, action] = url.pathname.split('/')
  try {
    const details = await provider.interactionDetails(req, res)
    if (details.uid !== uid) return send(res, 400, '<p>This sign-in page is out of date.</p>')
    if (details.prompt.name !== 'login') {
      // Only reached when consent was not implied: finish it with the grant the request asked for.
      return await provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true })
    }
    let email: string | undefined
    if (req.method === 'POST' && action === 'login') email = (await readForm(req)).get('email') ?? undefined
    else if (req.method === 'GET' && action === undefined) {
      const hint = details.params.login_hint
      email = typeof hint === 'string' ? hint : undefined
    }
    const user = users.find((u) => u.email.toLowerCase() === email?.toLowerCase())
    if (user === undefined) {
      if (req.method === 'POST') return send(res, 400, '<p>Unknown person.</p>')
      return send(res, 200, loginPage(details.uid, String(details.params.client_id), users))
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.email.toLowerCase() } }, { mergeWithLastSubmission: false })
  } catch {
    send(res, 400, '<p>This sign-in has expired or is unknown. Start again from the application.</p>')
  }
}
