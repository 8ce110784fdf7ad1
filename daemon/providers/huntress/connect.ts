import { AppError } from '../../errors.ts'
import type { ProviderHttp } from '../../http/provider-http.ts'
import type { AccountChoice, NewConnection } from '../types.ts'
import { HuntressClient } from './client.ts'
import { HUNTRESS } from './config.ts'
import { exchangeCode, type HuntressOAuthClient } from './oauth.ts'
import { HuntressAccountSchema, type HuntressAccount, type HuntressSecret, type HuntressSettings } from './schemas.ts'

type ExchangeInput = { code: string; redirectUri: string; codeVerifier: string; accountId?: string }
type Grant = { secret: HuntressSecret; accounts: HuntressAccount[]; key: string; expiresAt: number }

/** Exchanged grants waiting for an account choice, by code. Never persisted, never logged. */
export class PendingGrants {
  private readonly grants = new Map<string, Grant>()

  constructor(private readonly now: () => number) {}

  take(input: ExchangeInput): Grant | null {
    this.purge()
    const grant = this.grants.get(input.code)
    return grant && grant.key === keyOf(input) ? grant : null
  }

  keep(input: ExchangeInput, grant: Omit<Grant, 'key' | 'expiresAt'>): void {
    this.grants.set(input.code, { ...grant, key: keyOf(input), expiresAt: this.now() + HUNTRESS.accountChoiceTtlMs })
  }

  drop(code: string): void {
    this.grants.delete(code)
  }

  private purge(): void {
    const now = this.now()
    for (const [code, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(code)
  }
}

const keyOf = (input: ExchangeInput) => `${input.redirectUri}\n${input.codeVerifier}`

/**
 * Exchanges the code (one request), lists the accounts the tokens see (one request a page),
 * skips sandbox and demo accounts and builds the connection for the only one left, or the one
 * asked for. Several left and none asked for (or an unknown one): the accounts to choose from;
 * the tokens wait in memory for ten minutes, as the code itself is already spent.
 */
export async function connectHuntress(
  client: HuntressOAuthClient,
  pending: PendingGrants,
  input: ExchangeInput,
  http: ProviderHttp,
  now: () => number,
): Promise<NewConnection<HuntressSettings, HuntressSecret> | AccountChoice> {
  let grant = pending.take(input)
  if (!grant) {
    const secret = await exchangeCode(client, http, input, now)
    const tokens = { accessToken: async () => secret.accessToken, rejected: async () => {} }
    const api = new HuntressClient(http, client.baseUrl, tokens)
    const accounts = await api.list('accounts', HUNTRESS.paths.accounts, HuntressAccountSchema)
    grant = { secret, accounts, key: keyOf(input), expiresAt: 0 }
  }
  const usable = grant.accounts.filter((account) => !isSkipped(account))
  if (usable.length === 0)
    throw new AppError(
      'huntress_no_account',
      'This Huntress login sees no account trainproof can read (sandbox and demo accounts are skipped).',
    )
  const chosen = input.accountId ? usable.find((account) => account.id === input.accountId) : usable.length === 1 ? usable[0] : undefined
  if (!chosen) {
    pending.keep(input, grant)
    const accounts = usable.map((account) => ({ id: String(account.id), name: account.attributes.name }))
    return { kind: 'choose_account', accounts, unknownChoice: input.accountId !== undefined }
  }
  pending.drop(input.code)
  const accountName = chosen.attributes.name
  const settings = { baseUrl: client.baseUrl, accountId: chosen.id, accountName }
  return { label: accountName, settings, secret: grant.secret }
}

function isSkipped(account: HuntressAccount): boolean {
  const type = account.attributes.type?.toLowerCase() ?? ''
  return (HUNTRESS.accountTypesSkipped as readonly string[]).includes(type)
}
