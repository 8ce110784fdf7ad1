/*
 * Huntress Managed SAT (formerly Curricula) API — spec/providers/huntress.md.
 * Docs: https://curricula.stoplight.io/docs/curricula-api (not public in full); shapes from integrations.
 * Auth: OAuth 2 bearer (authorization code + rotating refresh tokens), JSON:API media type, explicit User-Agent.
 * Rate limit: undocumented; paced at 60/min (config.ts). Pagination: page[number]/page[size] ≤ 100, meta.page.lastPage.
 * Last verified: 2026-11-22 (against the contract and the fake; no live tenant).
 */
import type { z } from 'zod'
import { ProviderError } from '../../errors.ts'
import type { ProviderHttp } from '../../http/provider-http.ts'
import { HUNTRESS, SCOPE_BY_CALL, type HuntressCall } from './config.ts'
import { huntressListSchema } from './schemas.ts'

/** Where the API client gets a bearer token, and how it reports one that Huntress refused. */
export interface TokenSource {
  accessToken(): Promise<string>
  /** Called with the token Huntress answered 401 to; refreshes unless someone already did. */
  rejected(accessToken: string): Promise<void>
}

type Query = Record<string, string | number>

/** GETs against the JSON:API with the session's token: one refresh and one retry on a 401. */
export class HuntressClient {
  constructor(
    private readonly http: ProviderHttp,
    private readonly baseUrl: string,
    private readonly tokens: TokenSource,
  ) {}

  async get<S extends z.ZodType>(call: HuntressCall, path: string, schema: S, query: Query = {}): Promise<z.infer<S>> {
    const url = this.baseUrl.replace(/\/$/, '') + path
    for (let retried = false; ; retried = true) {
      const token = await this.tokens.accessToken()
      try {
        return await this.http.json(schema, {
          url,
          query,
          headers: { accept: HUNTRESS.mediaType, authorization: `Bearer ${token}` },
        })
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error
        if (error.kind === 'auth' && !retried) {
          await this.tokens.rejected(token)
          continue
        }
        throw explain(error, call, path)
      }
    }
  }

  /** Every page of a list, in order; stops at `lastPage` or an empty page, with a defensive page cap. */
  async list<R extends z.ZodType>(call: HuntressCall, path: string, resource: R): Promise<z.infer<R>[]> {
    const schema = huntressListSchema(resource)
    const items: z.infer<R>[] = []
    for (let page = 1; page <= HUNTRESS.maxPages; page++) {
      const document = await this.get(call, path, schema, {
        [HUNTRESS.params.pageNumber]: page,
        [HUNTRESS.params.pageSize]: HUNTRESS.pageSize,
      })
      items.push(...document.data)
      const meta = document.meta?.page
      const last = meta ? meta.currentPage >= meta.lastPage : document.data.length < HUNTRESS.pageSize
      if (document.data.length === 0 || last) return items
    }
    throw new ProviderError('bad_response', `${this.http.provider} GET ${path} kept paging past ${HUNTRESS.maxPages} pages.`)
  }
}

function explain(error: ProviderError, call: HuntressCall, path: string): ProviderError {
  const label = `${HUNTRESS.displayName} GET ${path}`
  if (error.kind === 'auth')
    return new ProviderError(
      'auth',
      `${label} refused the access token even after renewing it; an admin needs to connect Huntress again.`,
      { cause: error },
    )
  if (error.kind === 'forbidden')
    return new ProviderError(
      'forbidden',
      `${label} was refused (403): the authorisation probably lacks the scope ${SCOPE_BY_CALL[call]}. ` +
        'Allow it on the Huntress API client, then connect again.',
      { cause: error },
    )
  return error
}
