import type { Role } from '../shared/domain.ts'
import type { ApiClient } from './client.ts'
import { table, type Io } from './io.ts'

/** TokenInfo of api.md: a live token, never its value. */
type TokenInfo = {
  id: string
  role: Role
  email: string | null
  label: string
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
  via: string
}

export async function listTokens(api: ApiClient, io: Io): Promise<number> {
  const tokens = await api.json<TokenInfo[]>('GET', '/tokens')
  const rows = [['id', 'role', 'email', 'label', 'via', 'created', 'expires', 'last used']]
  for (const token of tokens) {
    rows.push([
      token.id,
      token.role,
      token.email ?? '-',
      token.label,
      token.via ?? '-',
      token.createdAt,
      token.expiresAt ?? 'never',
      token.lastUsedAt ?? 'never',
    ])
  }
  io.stdout.write(`${table(rows)}\n`)
  return 0
}

export type CreateTokenOptions = { role: Role; email?: string; label?: string; expiresInDays?: number }

export async function createToken(api: ApiClient, io: Io, options: CreateTokenOptions): Promise<number> {
  const created = await api.json<{ token: string; id?: string; role: Role; email: string | null; expiresAt?: string | null }>(
    'POST',
    '/tokens',
    options,
  )
  io.stdout.write(`${created.token}\n`)
  const expires = created.expiresAt ? `, expires ${created.expiresAt}` : ''
  io.stderr.write(
    `Token ${created.id ?? ''} (${created.role}${created.email ? ` ${created.email}` : ''}${expires}). It is shown only now.\n`,
  )
  return 0
}

export async function revokeToken(api: ApiClient, io: Io, id: string): Promise<number> {
  await api.json('DELETE', `/tokens/${encodeURIComponent(id)}`)
  io.stdout.write(`Token ${id} revoked.\n`)
  return 0
}
