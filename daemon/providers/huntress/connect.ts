import { AppError } from '../../errors.ts'
import type { ProviderHttp } from '../../http/provider-http.ts'
import type { NewConnection } from '../types.ts'
import { HuntressClient } from './client.ts'
import { HUNTRESS } from './config.ts'
import { exchangeCode, type HuntressOAuthClient } from './oauth.ts'
import { HuntressAccountSchema, type HuntressAccount, type HuntressSecret, type HuntressSettings } from './schemas.ts'

export type HuntressAccountChoice = { id: string; name: string }

/**
 * The login sees several accounts (a partner login) and the daemon did not say which one.
 * `details.choices` lists them; calling `exchange` again with the same code, redirect URI and
 * verifier plus an `accountId` finishes without a second login (the tokens wait in memory for
 * ten minutes; the code itself is already spent).
 */
export class AccountChoiceRequiredError extends AppError {
  override name = 'AccountChoiceRequiredError'
  constructor(choices: HuntressAccountChoice[], unknownChoice: boolean) {
    super(
      'account_choice_required',
      unknownChoice
        ? 'That Huntress account is not one this login can read; choose one of the accounts listed.'
        : 'This Huntress login can read several accounts; choose the one trainproof should use.',
      { details: { choices } },
    )
  }
}

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
 * asked for.
 */
export async function connectHuntress(
  client: HuntressOAuthClient,
  pending: PendingGrants,
  input: ExchangeInput,
  http: ProviderHttp,
  now: () => number,
): Promise<NewConnection<HuntressSettings, HuntressSecret>> {
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
  const chosen = input.accountId
    ? usable.find((account) => account.id === input.accountId)
    : usable.length === 1
      ? usable[0]
      : undefined
  if (!chosen) {
    pending.keep(input, grant)
    throw new AccountChoiceRequiredError(
      usable.map((account) => ({ id: String(account.id), name: account.attributes.name })),
      input.accountId !== undefined,
    )
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
