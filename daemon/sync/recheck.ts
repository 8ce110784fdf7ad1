import { TRAINING_IDS, type TrainingId } from '../../shared/domain.ts'
import { evaluateTraining, groupEnrollments, isDue } from '../../shared/evaluator.ts'
import { evidenceDigest } from '../certificates/pdf.ts'
import type { CertificateStore } from '../certificates/store.ts'
import { trainingStatus } from '../compliance/views.ts'
import { AppError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { RemoteCampaign, RemoteEnrollment } from '../providers/types.ts'
import { audit } from '../store/audit.ts'
import type { Db, StoredRecord } from '../store/schema.ts'
import type { Store } from '../store/store.ts'
import { DailyBudget } from './budget.ts'
import { campaignId } from './plan.ts'
import { sinceRetraining } from '../recurrence/resets.ts'
import type { Sessions } from './session.ts'

/** One re-check per person per minute: enough for "I just finished", too little to hammer a provider. */
export const RECHECK_INTERVAL_MS = 60_000

type Due = { training: TrainingId; campaignIds: readonly string[] }

/**
 * "I finished — check again": a targeted check of one person's due trainings, never a sync.
 * Per connection behind a due training it asks the provider for that person's enrollments in the
 * selected campaigns only (`ProviderSession.enrollmentsOf`: a few requests whatever the tenant's
 * size), evaluates them with the evaluator and writes the person's records under the usual rules
 * (sticky stays sticky; a selection changed meanwhile wins). Limited per person, and kept out of
 * the provider's daily budget share the nightly sync needs.
 */
export class Rechecks {
  private readonly last = new Map<string, number>()
  private readonly budget: DailyBudget

  constructor(
    private readonly deps: { store: Store; sessions: Sessions; certificates: CertificateStore; log: Logger },
    private readonly now: () => number = Date.now,
  ) {
    this.budget = new DailyBudget(now)
  }

  async run(email: string, actor: string): Promise<void> {
    const now = this.now()
    const previous = this.last.get(email)
    if (previous !== undefined && now - previous < RECHECK_INTERVAL_MS) {
      const seconds = Math.ceil((RECHECK_INTERVAL_MS - (now - previous)) / 1000)
      throw new AppError('recheck_rate_limited', `Checked a moment ago; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds })
    }
    this.last.set(email, now)
    for (const [connectionId, due] of dueByConnection(this.deps.store.data, email)) await this.check(email, connectionId, due, actor)
  }

  private async check(email: string, connectionId: string, due: Due[], actor: string): Promise<void> {
    const db = this.deps.store.data
    const connection = db.connections.find((item) => item.id === connectionId)
    const person = db.people[email]
    if (!connection || !person) return
    const opened = this.deps.sessions.open(connection)
    const enrollmentsOf = opened.session.enrollmentsOf?.bind(opened.session)
    if (!enrollmentsOf) return
    const budget = opened.adapter.dailyBudget?.(seatsOf(db, connectionId))
    if (budget !== undefined) this.budget.admit(db, connectionId, budget)
    const campaigns = remoteCampaigns(db, connectionId, due)
    let records: Map<TrainingId, StoredRecord | null>
    try {
      const rows = await enrollmentsOf({ email, externalId: person.externalIds[connectionId] ?? null }, campaigns)
      if (rows === null) return
      records = evaluate(db, connection, email, due, rows, new Date(this.now()).toISOString())
      const newlyCompliant = [...records].flatMap(([training, record]) => (record?.sticky ? [{ email, training, record }] : []))
      await this.deps.certificates.fetchFor(opened, connection, newlyCompliant)
    } finally {
      this.budget.record(connectionId, opened.http.requests)
    }
    const now = new Date(this.now()).toISOString()
    await this.deps.store.update((db) => {
      const stored = db.people[email]
      if (!stored) return
      const changed: Partial<Record<TrainingId, string>> = {}
      for (const { training, campaignIds } of due) {
        const config = db.trainings[training]
        if (config.connectionId !== connectionId || !sameList(config.campaignIds, campaignIds)) continue // the next sync counts
        if (stored.records[training]?.sticky) continue
        const record = records.get(training) ?? null
        if (record) stored.records[training] = record
        else delete stored.records[training]
        changed[training] = record?.status ?? 'not_enrolled'
      }
      audit(db, actor, 'person.rechecked', { email, connectionId, requests: opened.http.requests, statuses: changed }, now)
    }, { people: [email] })
  }
}

/** The person's due trainings (non-sticky, configured), grouped by the connection that serves them. */
function dueByConnection(db: Db, email: string): Map<string, Due[]> {
  const person = db.people[email]
  const byConnection = new Map<string, Due[]>()
  if (!person) return byConnection
  for (const training of TRAINING_IDS) {
    const { connectionId, campaignIds } = db.trainings[training]
    if (connectionId === null || campaignIds.length === 0) continue
    if (!isDue(trainingStatus(db, person, training).status)) continue
    const list = byConnection.get(connectionId) ?? []
    list.push({ training, campaignIds: [...campaignIds] })
    byConnection.set(connectionId, list)
  }
  return byConnection
}

function remoteCampaigns(db: Db, connectionId: string, due: readonly Due[]): RemoteCampaign[] {
  const wanted = new Set(due.flatMap((item) => item.campaignIds))
  return db.campaigns
    .filter((campaign) => campaign.connectionId === connectionId && campaign.importable && wanted.has(campaign.id))
    .map(({ externalId, name, status, importable, notImportableReason }) => ({ externalId, name, status, importable, notImportableReason }))
}

/** The person's new record per due training; null where they are enrolled in none of its campaigns. */
function evaluate(db: Db, connection: Db['connections'][number], email: string, due: readonly Due[], rows: readonly RemoteEnrollment[], now: string) {
  const grouped = groupEnrollments(rows.map((row) => ({ ...row, campaignId: campaignId(connection.id, row.campaignId) })))
  const names = new Map(db.campaigns.map((campaign) => [campaign.id, campaign.name]))
  const source = { provider: connection.provider, connectionId: connection.id, connectionLabel: connection.label }
  const records = new Map<TrainingId, StoredRecord | null>()
  for (const { training, campaignIds } of due) {
    const selected = campaignIds.filter((id) => names.has(id)).map((id) => ({ id, name: names.get(id)! }))
    const enrollments = sinceRetraining(grouped.get(email) ?? new Map(), db.retraining[email]?.[training])
    const evaluated = evaluateTraining({ selected, enrollments, previous: null, now })
    if (evaluated.status === 'not_enrolled' || evaluated.status === 'not_configured') {
      records.set(training, null)
      continue
    }
    const record: StoredRecord = { ...evaluated, connectionId: connection.id, certificates: [], source, evidenceSha256: null }
    if (record.sticky) record.evidenceSha256 = evidenceDigest(record)
    records.set(training, record)
  }
  return records
}

/** People this connection listed at its last sync: a lower bound of its licensed seats. */
function seatsOf(db: Db, connectionId: string): number {
  let seats = 0
  for (const person of Object.values(db.people)) if (person.seenBy.includes(connectionId)) seats++
  return seats
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, index) => item === b[index])
