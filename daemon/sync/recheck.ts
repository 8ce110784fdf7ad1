import { TRAINING_IDS } from '../../shared/domain.ts'
import { isDue } from '../../shared/evaluator.ts'
import type { CertificateStore } from '../certificates/store.ts'
import { trainingStatus } from '../compliance/views.ts'
import { AppError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { RemoteCampaign } from '../providers/types.ts'
import { auditor } from '../store/audit.ts'
import type { Db } from '../store/schema.ts'
import type { Store } from '../store/store.ts'
import { DailyBudget } from './budget.ts'
import { commitRecheck } from './commit.ts'
import { evaluatePlan, type Compliant, type Evaluated } from './evaluate.ts'
import { fetchPerson } from './fetch.ts'
import { normalise } from './normalise.ts'
import { planRecheck, type DueTraining } from './plan.ts'
import type { Sessions } from './session.ts'

/** One re-check per person per minute: enough for "I just finished", too little to hammer a provider. */
export const RECHECK_INTERVAL_MS = 60_000

type Due = DueTraining

/**
 * "I finished — check again": a targeted check of one person's due trainings, never a sync.
 * Per connection behind a due training it asks the provider for that person's enrollments in the
 * selected campaigns only (`ProviderSession.enrollmentsOf`: a few requests whatever the tenant's
 * size) and runs them through the sync's own stages (normalise → plan → evaluate → certificates
 * → commit) for this one person, under the usual rules (sticky stays sticky; a selection changed
 * meanwhile wins). Limited per person, and kept out of the provider's daily budget share the
 * nightly sync needs.
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
    const person = db.people.get(email)
    if (!connection || !person) return
    const opened = this.deps.sessions.open(connection)
    if (!opened.session.enrollmentsOf) return
    const budget = opened.adapter.dailyBudget?.(seatsOf(db, connectionId))
    if (budget !== undefined) this.budget.admit(db, connectionId, budget)
    const campaigns = remoteCampaigns(db, connectionId, due)
    let evaluated: Evaluated
    let certified: Compliant[]
    try {
      const fetched = await fetchPerson(opened.session, { email, externalId: person.externalIds[connectionId] ?? null }, campaigns)
      if (fetched === null) return
      const plan = planRecheck(db, connection, email, due, normalise(connectionId, fetched))
      evaluated = evaluatePlan(plan, new Date(this.now()).toISOString())
      certified = await this.deps.certificates.certify(opened.session, connectionId, evaluated.newlyCompliant)
    } finally {
      this.budget.record(connectionId, opened.http.requests)
    }
    const now = new Date(this.now()).toISOString()
    await this.deps.store.update(
      (db) => {
        if (!db.people.get(email)) return
        const changed = commitRecheck(db, email, due, evaluated, certified)
        auditor(db, actor, now)('person.rechecked', { email, connectionId, requests: opened.http.requests, statuses: changed })
      },
      { people: [email] },
    )
  }
}

/** The person's due trainings (non-sticky, configured), grouped by the connection that serves them. */
function dueByConnection(db: Db, email: string): Map<string, Due[]> {
  const person = db.people.get(email)
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

/** People this connection listed at its last sync: a lower bound of its licensed seats. */
function seatsOf(db: Db, connectionId: string): number {
  let seats = 0
  for (const person of db.people.values()) if (person.seenBy.includes(connectionId)) seats++
  return seats
}
