import type { PutTrainingBody } from '../../shared/api.ts'
import { API_BASE, type Role, type Status, type TrainingId } from '../../shared/constants.ts'
import { AuthMethods, Grant, IssuedToken, OidcStart, TokenInfo } from './access-shapes.ts'
import {
  AuthorizeAnswer,
  Campaign,
  Connection,
  CreatedToken,
  ErrorBody,
  Me,
  MyTrainings,
  Person,
  ProviderDescription,
  SyncRun,
  TrainingConfig,
} from './answers.ts'
import { daemonCode, type AnyErrorCode } from './error-codes.ts'
import { array, type Guard } from './guard.ts'

/** A daemon answer the extension can show: `message` is a plain sentence for people. */
export class DaemonError extends Error {
  override name = 'DaemonError'
  constructor(
    readonly code: AnyErrorCode,
    message: string,
    readonly status: number | null = null,
    readonly retryAfterSeconds: number | null = null,
    options?: ErrorOptions & { details?: Record<string, unknown> },
  ) {
    super(message, options)
    this.details = options?.details ?? null
  }

  /** Machine-readable extras some errors carry (e.g. the account choices of `account_choice_required`). */
  readonly details: Record<string, unknown> | null
}

export type DaemonClientOptions = {
  baseUrl: () => Promise<string>
  token: () => Promise<string | null>
  fetch?: typeof fetch
}

type Call = { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; query?: Record<string, string | number | undefined> }

export const UNAUTHORIZED_MESSAGE = 'Your sign-in has expired or was revoked. Sign in again.'

/** Turns a failed answer into a DaemonError whose message can be shown as it is. */
export async function toDaemonError(response: Response): Promise<DaemonError> {
  const retryAfter = Number(response.headers.get('retry-after'))
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null
  const body: unknown = await response.json().catch(() => null)
  if (response.status === 401) return new DaemonError('unauthorized', UNAUTHORIZED_MESSAGE, 401)
  if (ErrorBody(body)) {
    const { code, message, details } = body.error
    return new DaemonError(daemonCode(code), message, response.status, retryAfterSeconds, details ? { details } : {})
  }
  if (response.status === 403) return new DaemonError('forbidden', 'This token may not do that.', 403)
  return new DaemonError('http_error', `The daemon answered with status ${response.status}.`, response.status, retryAfterSeconds)
}

/**
 * A typed client of the daemon's API v1. The background uses it, and so does the admin console
 * (a full page: 100,000 people and zip files are not worth copying through extension messages).
 */
export function createDaemonClient(options: DaemonClientOptions) {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))

  async function request<T>(guard: Guard<T> | null, path: string, call: Call = {}): Promise<T> {
    const base = (await options.baseUrl()).replace(/\/+$/, '')
    const url = new URL(`${base}${API_BASE}${path}`)
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value))
    const headers: Record<string, string> = { accept: 'application/json' }
    const token = await options.token()
    if (token) headers.authorization = `Bearer ${token}`
    if (call.body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await doFetch(url, {
        method: call.method ?? 'GET',
        headers,
        body: call.body === undefined ? null : JSON.stringify(call.body),
      })
    } catch (error) {
      throw new DaemonError(
        'unreachable',
        `Can't reach the trainproof daemon at ${base}. Check that it is running and that the address in the options is right.`,
        null,
        null,
        { cause: error },
      )
    }
    if (!response.ok) throw await toDaemonError(response)
    if (guard === null) return undefined as T
    const answer: unknown = await response.json().catch(() => undefined)
    if (!guard(answer)) {
      throw new DaemonError(
        'bad_response',
        `The daemon's answer to ${path} was not what this extension expects. Update the extension or the daemon.`,
      )
    }
    return answer
  }

  /** A binary answer (a certificate, an evidence pack) with the file name the daemon suggests. */
  async function download(path: string, query: Call['query'] = {}): Promise<{ blob: Blob; filename: string | null }> {
    const base = (await options.baseUrl()).replace(/\/+$/, '')
    const url = new URL(`${base}${API_BASE}${path}`)
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value))
    const token = await options.token()
    let response: Response
    try {
      response = await doFetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
    } catch (error) {
      throw new DaemonError('unreachable', `Can't reach the trainproof daemon at ${base}.`, null, null, { cause: error })
    }
    if (!response.ok) throw await toDaemonError(response)
    const disposition = response.headers.get('content-disposition') ?? ''
    const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? null
    return { blob: await response.blob(), filename }
  }

  const id = (value: string) => encodeURIComponent(value)
  return {
    /** Any JSON call, checked with the caller's guard (the console's endpoints declare theirs). */
    call: <T>(guard: Guard<T> | null, path: string, call: Call = {}) => request(guard, path, call),
    download,
    me: () => request(Me, '/me'),
    myTrainings: (email?: string) => request(MyTrainings, '/me/trainings', { query: { email } }),
    recheck: (email?: string) => request(MyTrainings, '/me/recheck', { method: 'POST', query: { email } }),
    createToken: (body: { role: Role; email?: string }) => request(CreatedToken, '/tokens', { method: 'POST', body }),
    connections: () => request(array(Connection), '/connections'),
    providers: () => request(array(ProviderDescription), '/providers'),
    /** A typed-in connect (`POST /connections`): the provider id plus the fields its description lists. */
    connect: (body: ConnectBody) => request(Connection, '/connections', { method: 'POST', body }),
    renew: (connectionId: string, body: ConnectBody) =>
      request(Connection, `/connections/${id(connectionId)}/credentials`, { method: 'PUT', body }),
    oauthAuthorize: (provider: string, redirectUri: string) =>
      request(AuthorizeAnswer, `/connections/${id(provider)}/authorize`, { method: 'POST', body: { redirectUri } }),
    oauthCallback: (provider: string, body: { code: string; state: string; accountId?: string }) =>
      request(Connection, `/connections/${id(provider)}/callback`, { method: 'POST', body }),
    deleteConnection: (connectionId: string) => request(null, `/connections/${id(connectionId)}`, { method: 'DELETE' }),
    campaigns: (connectionId: string) => request(array(Campaign), `/connections/${id(connectionId)}/campaigns`),
    syncConnection: (connectionId: string) => request(SyncRun, `/connections/${id(connectionId)}/sync`, { method: 'POST' }),
    syncAll: () => request(array(SyncRun), '/sync', { method: 'POST' }),
    trainings: () => request(array(TrainingConfig), '/trainings'),
    putTraining: (training: TrainingId, body: PutTrainingBody) =>
      request(TrainingConfig, `/trainings/${id(training)}`, { method: 'PUT', body }),
    personnel: (query: { training?: TrainingId; status?: Status; limit?: number; offset?: number } = {}) =>
      request(array(Person), '/personnel', { query }),
    reset: (email: string, training: TrainingId) =>
      request(Person, `/personnel/${id(email)}/reset`, { method: 'POST', body: { training } }),
    authMethods: () => request(AuthMethods, '/auth/methods'),
    oidcStart: (redirectUri: string) => request(OidcStart, '/auth/oidc/start', { method: 'POST', body: { redirectUri } }),
    oidcCallback: (body: { code: string; state: string }) => request(IssuedToken, '/auth/oidc/callback', { method: 'POST', body }),
    tokens: () => request(array(TokenInfo), '/tokens'),
    revokeToken: (tokenId: string) => request<void>(null, `/tokens/${id(tokenId)}`, { method: 'DELETE' }),
    grants: () => request(array(Grant), '/grants'),
    putGrant: (email: string, role: Role) => request(Grant, `/grants/${id(email)}`, { method: 'PUT', body: { role } }),
    deleteGrant: (email: string) => request<void>(null, `/grants/${id(email)}`, { method: 'DELETE' }),
  }
}

export type DaemonClient = ReturnType<typeof createDaemonClient>

/** What a connect form sends: `provider` plus its fields, as the provider's description names them. */
export type ConnectBody = { provider: string } & Record<string, string>
