import { useState } from 'preact/hooks'
import { ROLES, type Role } from '../../shared/constants.ts'
import type { TokenInfo } from '../utils/access-shapes.ts'
import { timeAgo } from '../utils/format.ts'
import { ask } from '../utils/messages.ts'
import { useAction, useRequest } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'
import { ROLE_NAMES } from './SignedInAs.tsx'

const STAFF_ROLES = ROLES.filter((role) => role !== 'employee')

/** Who has which staff role (everyone else who signs in is an employee), and every live token. Reviewers see it read-only. */
export function AccessPanel({ readOnly }: { readOnly: boolean }) {
  return (
    <div class="stack">
      <Grants readOnly={readOnly} />
      <Tokens readOnly={readOnly} />
    </div>
  )
}

function Grants({ readOnly }: { readOnly: boolean }) {
  const grants = useRequest(() => ask('grants'))
  const action = useAction()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<Role>('workspace_manager')
  const put = (who: string, next: Role) =>
    action.run(async () => {
      await ask('putGrant', { email: who.trim(), role: next })
      await grants.reload()
      return `${who.trim()} is now ${ROLE_NAMES[next]?.toLowerCase() ?? next} when they sign in.`
    })
  const remove = (who: string) =>
    action.run(async () => {
      await ask('deleteGrant', { email: who })
      await grants.reload()
      return `${who} is an employee again from their next sign-in.`
    })
  const add = (event: Event) => {
    event.preventDefault()
    if (email.trim() !== '') void put(email, role).then(() => setEmail(''))
  }
  return (
    <section class="stack" aria-labelledby="grants-title">
      <h2 id="grants-title">Roles</h2>
      <p class="muted">Everyone who signs in with the company account is an employee, unless listed here.</p>
      {grants.error && <Notice tone="error">{grants.error}</Notice>}
      {grants.value && grants.value.length === 0 && <p class="muted">No staff roles granted yet.</p>}
      {grants.value && grants.value.length > 0 && (
        <table data-testid="grants">
          <thead>
            <tr>
              <th>E-mail</th>
              <th>Role</th>
              <th>
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {grants.value.map((grant) => (
              <tr key={grant.email} data-testid="grant">
                <td>{grant.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${grant.email}`}
                    value={grant.role}
                    disabled={readOnly || action.busy}
                    onChange={(event) => void put(grant.email, event.currentTarget.value as Role)}
                  >
                    {STAFF_ROLES.map((item) => (
                      <option value={item} key={item}>
                        {ROLE_NAMES[item]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {!readOnly && (
                    <button type="button" class="link" onClick={() => void remove(grant.email)} disabled={action.busy}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!readOnly && (
        <form class="row" onSubmit={add}>
          <input
            type="email"
            required
            placeholder="name@company.example"
            aria-label="E-mail to grant a role"
            value={email}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
          <select aria-label="Role to grant" value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
            {STAFF_ROLES.map((item) => (
              <option value={item} key={item}>
                {ROLE_NAMES[item]}
              </option>
            ))}
          </select>
          <button type="submit" disabled={action.busy}>
            Grant
          </button>
        </form>
      )}
      {action.error && <Notice tone="error">{action.error}</Notice>}
      {action.done && !action.error && <Notice tone="ok">{action.done}</Notice>}
    </section>
  )
}

function expiry(token: TokenInfo, now: number): string {
  if (token.expiresAt === null) return 'never expires'
  const days = Math.ceil((Date.parse(token.expiresAt) - now) / 86_400_000)
  return days <= 1 ? 'expires within a day' : `expires in ${days} days`
}

function Tokens({ readOnly }: { readOnly: boolean }) {
  const tokens = useRequest(() => ask('tokens'))
  const action = useAction()
  const revoke = (token: TokenInfo) =>
    action.run(async () => {
      await ask('revokeToken', { id: token.id })
      await tokens.reload()
      return `Revoked. ${token.email ?? token.label ?? 'That token'} must sign in again.`
    })
  const now = Date.now()
  return (
    <section class="stack" aria-labelledby="tokens-title">
      <div class="spread">
        <h2 id="tokens-title">Live tokens</h2>
        <button type="button" class="link" onClick={() => void tokens.reload()}>
          Reload
        </button>
      </div>
      {tokens.error && <Notice tone="error">{tokens.error}</Notice>}
      {tokens.value && (
        <table data-testid="tokens">
          <thead>
            <tr>
              <th>Who</th>
              <th>Role</th>
              <th>Last used</th>
              <th>
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.value.map((token) => (
              <tr key={token.id} data-testid="token" data-token-id={token.id} data-email={token.email ?? ''}>
                <td>
                  {token.email ?? token.label ?? token.id}
                  <br />
                  <small>
                    {token.via === 'oidc' ? 'signed in' : token.via === 'bootstrap' ? 'first admin token' : 'issued'} · {expiry(token, now)}
                  </small>
                </td>
                <td>{ROLE_NAMES[token.role] ?? token.role}</td>
                <td>{timeAgo(token.lastUsedAt, now)}</td>
                <td>
                  {!readOnly && (
                    <button
                      type="button"
                      class="link danger"
                      onClick={() => void revoke(token)}
                      disabled={action.busy}
                      aria-label={`Revoke the token of ${token.email ?? token.label}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {action.error && <Notice tone="error">{action.error}</Notice>}
      {action.done && !action.error && (
        <Notice tone="ok" testId="revoke-result">
          {action.done}
        </Notice>
      )}
    </section>
  )
}
