import { dbText } from './store-files.ts'
import type { AuditEvent, Campaign, Connection, Person, SyncRun, TrainingConfig } from '../../shared/domain.ts'
import { decideAuthorization, type AuthorizationOutcome } from '../../fakes/huntress/browser.ts'
import { startHuntressFake, type HuntressFake, type HuntressFakeOptions } from '../../fakes/huntress/index.ts'
import { startTestDaemon, type TestDaemon } from './daemon.ts'
import { VirtualClock } from './virtual-clock.ts'

/** Test harness for one provider, merged by scripts/mirror-tests.mjs from 1 file(s). */

// --- A daemon connected to the Huntress fake (was test/integration/huntress-harness.ts) ---

/** What the fake enforces by default (spec: 60 requests a minute per client, with Retry-After). */
export const HUNTRESS_FAKE_LIMIT = { requests: 60, windowMs: 60_000, retryAfter: true }

/** What the extension would register: its chromiumapp.org redirect. */
export const REDIRECT_URI = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/huntress'

export type ApiError = { code: string; message: string; details?: { choices?: { id: string; name: string }[]; state?: string } }

/** A Huntress fake and a real daemon pointed at it over loopback HTTP. */
export type Harness = {
  fake: HuntressFake
  daemon: TestDaemon
  /** `daemon.api` + JSON: the status and the parsed body. */
  call<T = unknown>(path: string, init?: Parameters<TestDaemon['api']>[1]): Promise<{ status: number; body: T }>
  /** authorize → the fake's approve (or deny) → the redirect's code and state. */
  authorize(approve?: boolean): Promise<AuthorizationOutcome & { issuedState: string }>
  callback(body: { code: string; state: string; accountId?: string }): Promise<{ status: number; body: Connection & { error?: ApiError } }>
  /** The whole redirect flow; throws unless the daemon answers 201. */
  connect(accountId?: string): Promise<Connection>
  campaigns(connectionId: string): Promise<Campaign[]>
  /** Selects these assignment (external) ids for Security Awareness. */
  select(connectionId: string, assignmentIds: string[]): Promise<TrainingConfig>
  sync(connectionId: string): Promise<SyncRun>
  people(): Promise<Record<string, Person>>
  audit(action: string): Promise<AuditEvent[]>
  /** The db file exactly as it is on disk. */
  dbFile(): string
  stop(): Promise<void>
}

/**
 * The fake keeps its rate limit (60 a minute per client) and the daemon paces itself under it,
 * both on one virtual clock: a sync that needs minutes of pacing takes no wall time.
 */
export async function startHarness(fakeOptions: HuntressFakeOptions = {}, daemonOptions: { clock?: VirtualClock } = {}): Promise<Harness> {
  const clock = daemonOptions.clock ?? new VirtualClock()
  const fake = await startHuntressFake({ rateLimit: { ...HUNTRESS_FAKE_LIMIT, now: clock.now }, ...fakeOptions })
  fake.addRedirectUri(fake.client.clientId, REDIRECT_URI)
  const daemon = await startTestDaemon({
    clock,
    env: {
      TRAINPROOF_HUNTRESS_CLIENT_ID: fake.client.clientId,
      TRAINPROOF_HUNTRESS_CLIENT_SECRET: fake.client.clientSecret,
      TRAINPROOF_HUNTRESS_BASE_URL: fake.url,
    },
  })

  const call: Harness['call'] = async (path, init) => {
    const response = await daemon.api(path, init)
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : null }
  }
  const ok = async <T>(path: string, init?: Parameters<TestDaemon['api']>[1], status = 200): Promise<T> => {
    const answer = await call<T>(path, init)
    if (answer.status !== status) throw new Error(`${init?.method ?? 'GET'} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
    return answer.body
  }

  const authorize: Harness['authorize'] = async (approve = true) => {
    const started = await ok<{ authorizeUrl: string; state: string }>('/connections/huntress/authorize', {
      method: 'POST',
      json: { redirectUri: REDIRECT_URI },
    })
    return { ...(await decideAuthorization(started.authorizeUrl, approve)), issuedState: started.state }
  }
  const callback: Harness['callback'] = (body) => call('/connections/huntress/callback', { method: 'POST', json: body }) as never

  return {
    fake,
    daemon,
    call,
    authorize,
    callback,
    async connect(accountId) {
      const { code, state } = await authorize()
      if (!code || !state) throw new Error('the fake did not approve')
      const answer = await callback({ code, state, ...(accountId ? { accountId } : {}) })
      if (answer.status !== 201) throw new Error(`callback answered ${answer.status} ${JSON.stringify(answer.body)}`)
      return answer.body
    },
    campaigns: (connectionId) => ok(`/connections/${connectionId}/campaigns`),
    async select(connectionId, assignmentIds) {
      // Campaign ids are opaque: find them by the assignment's id in the connection's list.
      const campaigns = await ok<Campaign[]>(`/connections/${connectionId}/campaigns`)
      const campaignIds = assignmentIds.map((externalId) => {
        const found = campaigns.find((campaign) => campaign.externalId === externalId)
        if (!found) throw new Error(`no campaign for assignment ${externalId}`)
        return found.id
      })
      return ok('/trainings/security_awareness', { method: 'PUT', json: { connectionId, campaignIds } })
    },
    sync: (connectionId) => ok(`/connections/${connectionId}/sync`, { method: 'POST' }),
    async people() {
      const list = await ok<Person[]>('/personnel')
      return Object.fromEntries(list.map((person) => [person.email, person]))
    },
    async audit(action) {
      return (await ok<AuditEvent[]>('/audit')).filter((event) => event.action === action)
    },
    dbFile: () => dbText(daemon.dataDir),
    async stop() {
      await daemon.stop()
      await fake.close()
    },
  }
}

/** "completed/required status" of Security Awareness, the way product.md's table reads. */
export function securityAwareness(person: Person | undefined): string {
  if (!person) return 'absent'
  const { status, completed, required } = person.trainings.security_awareness
  return `${status} ${completed}/${required}`
}
