import { z } from 'zod'
import { invalidRequest } from '../../errors.ts'
import type { ProviderHttp } from '../../http/provider-http.ts'
import type { NewConnection } from '../types.ts'
import { KnowBe4Client, type KnowBe4Target } from './client.ts'
import { API_BASE } from './config.ts'
import { KnowBe4ConnectBody, type KnowBe4Secret, type KnowBe4Settings } from './schemas.ts'

/** The API base URL of a connection. */
export function knowbe4BaseUrl(settings: KnowBe4Settings): string {
  return (settings.baseUrl ?? API_BASE[settings.region]).replace(/\/+$/, '')
}

export function targetOf(settings: KnowBe4Settings, secret: KnowBe4Secret): KnowBe4Target {
  return { baseUrl: knowbe4BaseUrl(settings), apiToken: secret.apiToken }
}

/** Validates the `POST /connections` body, then one `GET /v1/account`: proves the token, region and plan, and names the connection. */
export async function connectKnowBe4(body: unknown, http: ProviderHttp): Promise<NewConnection<KnowBe4Settings, KnowBe4Secret>> {
  const parsed = KnowBe4ConnectBody.safeParse(body)
  if (!parsed.success) throw invalidRequest(`The KnowBe4 connection is invalid: ${z.prettifyError(parsed.error)}`)
  const { region, apiToken, baseUrl } = parsed.data
  const settings: KnowBe4Settings = { region, baseUrl: baseUrl ?? null }
  const secret: KnowBe4Secret = { apiToken }
  const account = await new KnowBe4Client(http, targetOf(settings, secret)).account()
  return { label: account.name.trim() || `KnowBe4 (${region.toUpperCase()})`, settings, secret }
}
