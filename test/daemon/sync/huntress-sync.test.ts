import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Connection, TrainingConfig } from '../../../shared/domain.ts'
import { seedWorkedExample, type WorkedExample } from '../../../fakes/huntress/seed.ts'
import { securityAwareness, startHarness, type Harness } from '../../helpers/huntress.ts'

/*
 * Syncing a Huntress connection through the daemon's HTTP API: the worked example of product.md,
 * paging, a deleted assignment and the number of requests a sync makes.
 */

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(() => h.stop())

/** Connected, with A and B selected for Security Awareness (C is not). */
async function workedExample(): Promise<{ example: WorkedExample; connection: Connection }> {
  const example = seedWorkedExample(h.fake)
  const connection = await h.connect()
  const { a, b } = example.assignments
  await h.select(connection.id, [a.id, b.id])
  return { example, connection }
}

const apiRequests = () => h.fake.requests.filter((entry) => entry.path.startsWith('/api/v1/'))

describe('the worked example', () => {
  it('gives astronaut 2/2, wizard 1/2, hero 1/1, ninja 0/1', async () => {
    const { connection } = await workedExample()

    const run = await h.sync(connection.id)

    expect(run).toMatchObject({ connectionId: connection.id, ok: true, error: null })
    const people = await h.people()
    expect(Object.keys(people)).toEqual(['astronaut@example.com', 'hero@example.com', 'ninja@example.com', 'wizard@example.com'])
    expect(securityAwareness(people['astronaut@example.com'])).toBe('compliant 2/2')
    expect(securityAwareness(people['wizard@example.com'])).toBe('non_compliant 1/2')
    expect(securityAwareness(people['hero@example.com'])).toBe('compliant 1/1')
    expect(securityAwareness(people['ninja@example.com'])).toBe('non_compliant 0/1')

    const astronaut = people['astronaut@example.com']!.trainings.security_awareness
    expect(astronaut.sticky).toBe(true)
    // 2025-03-04T09:30:00+02:00, the later of A and B, in UTC.
    expect(astronaut.compliantAt).toBe('2025-03-04T07:30:00.000Z')
    expect(astronaut.campaigns.map((campaign) => [campaign.name, campaign.completed])).toEqual([
      ['Campaign A', true],
      ['Campaign B', true],
    ])
    const wizard = people['wizard@example.com']!.trainings.security_awareness
    expect(wizard.campaigns.map((campaign) => [campaign.name, campaign.completed])).toEqual([
      ['Campaign A', false],
      ['Campaign B', true],
    ])
    expect(people['ninja@example.com']!.name).toBe('Ninja Example')
    // Nothing else is configured.
    expect(people['hero@example.com']!.trainings.hipaa.status).toBe('not_configured')

    const connections = (await h.call<Connection[]>('/connections')).body
    expect(connections[0]).toMatchObject({ status: 'connected', lastError: null, lastSyncAt: run.finishedAt })
    const [completed] = await h.audit('sync.completed')
    expect(completed?.detail).toMatchObject({ connectionId: connection.id, newlyCompliant: 2, droppedFromSelection: [] })
  })

  it('makes the minimal number of requests, and says so in SyncRun.requests', async () => {
    const { example, connection } = await workedExample()
    h.fake.clearRequests()

    const first = await h.sync(connection.id)

    /*
     * 11 = 1 assignments page (A, B, C fit in one page of 100)
     *    + 2 learner lists, one page each: personnel is the union of the selected assignments'
     *      learners (Huntress has no account-wide learner list); the unselected C is never read
     *    + 2 activity lists, one page each, for the selected A and B only (the learner lists are
     *      read once per sync and shared with listPeople)
     *    + 3 certificates × 2 (the certificate link, then its PDF): astronaut becomes compliant
     *      with A and B, hero with A
     * No token request: the access token from connecting is fresh. No accounts request: the
     * account id was chosen at connect time.
     */
    expect(first.requests).toBe(11)
    expect(h.fake.requests).toHaveLength(11)
    expect(h.fake.requestCount('/assignments')).toBe(1 + 2 + 2 + 3)
    expect(h.fake.requestCount(`/assignments/${example.assignments.c.id}/`)).toBe(0)
    expect(h.fake.requestCount('/learner-activity')).toBe(2)
    expect(h.fake.requestCount('/completion-certificate')).toBe(3)
    expect(h.fake.requestCount('/files/certificates/')).toBe(3)
    expect(h.fake.requests.every((entry) => entry.status === 200)).toBe(true)

    // Again: astronaut and hero are sticky now, so no certificate is fetched: 1 + 2 + 2.
    h.fake.clearRequests()
    const second = await h.sync(connection.id)
    expect(second).toMatchObject({ ok: true, requests: 5 })
    expect(h.fake.requests).toHaveLength(5)

    const runs = h.daemon.deps.store.data.syncRuns.map((run) => run.requests)
    expect(runs).toEqual([11, 5])
  })
})

describe('paging', () => {
  it('syncs more than 100 learners, every one of them', async () => {
    const LEARNERS = 230 // three pages of 100 on the learner list
    const { tenant } = h.fake
    const account = tenant.addAccount({ name: 'Large Corp', licenses: LEARNERS })
    const assignment = tenant.addAssignment(account.id, { name: 'Annual training' })
    const completes = (i: number) => i % 50 === 0 // few completions: few certificate downloads
    for (let i = 1; i <= LEARNERS; i++) {
      const learner = tenant.addLearner(account.id, { firstName: 'Learner', lastName: String(i), email: `Learner${i}@Example.com` })
      if (completes(i)) tenant.complete(assignment.id, learner.id, '2025-04-01T12:00:00Z')
      else if (i % 2 === 0)
        tenant.recordActivity(assignment.id, learner.id, { progress: 50 }) // started
      else tenant.enroll(assignment.id, learner.id) // never started: no activity row
    }
    const activityRows = tenant.activities.get(assignment.id)!.length
    expect(activityRows).toBe(115) // two pages of activity
    const connection = await h.connect()
    await h.select(connection.id, [assignment.id])
    h.fake.clearRequests()

    const run = await h.sync(connection.id)

    expect(run.ok).toBe(true)
    const people = await h.people()
    expect(Object.keys(people)).toHaveLength(LEARNERS)
    for (let i = 1; i <= LEARNERS; i++) {
      const email = `learner${i}@example.com` // e-mails are kept lower-cased
      expect(securityAwareness(people[email]), email).toBe(completes(i) ? 'compliant 1/1' : 'non_compliant 0/1')
    }
    const pages = (part: string) =>
      apiRequests()
        .filter((entry) => entry.path.endsWith(part))
        .map((entry) => [entry.query['page[number]'], entry.query['page[size]']])
    expect(pages('/learners')).toEqual([
      ['1', '100'],
      ['2', '100'],
      ['3', '100'],
    ])
    expect(pages('/learner-activity')).toEqual([
      ['1', '100'],
      ['2', '100'],
    ])
    // 1 assignments page + 3 learner pages + 2 activity pages + 4 completions × (certificate + PDF).
    expect(run.requests).toBe(1 + 3 + 2 + 4 * 2)
  })
})

describe('the rate limit', () => {
  it('keeps under the fake’s 60 requests a minute through a sync of 160 requests: no 429', async () => {
    const LEARNERS = 80 // every one completes: a certificate link and its PDF each
    const { tenant } = h.fake
    const account = tenant.addAccount({ name: 'Busy Corp', licenses: LEARNERS })
    const assignment = tenant.addAssignment(account.id, { name: 'Annual training' })
    for (let i = 1; i <= LEARNERS; i++) {
      const learner = tenant.addLearner(account.id, { firstName: 'Learner', lastName: String(i), email: `learner${i}@example.com` })
      tenant.complete(assignment.id, learner.id, '2025-04-01T12:00:00Z')
    }
    const connection = await h.connect()
    await h.select(connection.id, [assignment.id])
    h.fake.clearRequests()
    const started = h.daemon.clock.now()

    const run = await h.sync(connection.id)

    expect(run).toMatchObject({ ok: true, requests: 1 + 1 + 1 + LEARNERS * 2 })
    expect(h.fake.requests.filter((entry) => entry.status === 429)).toEqual([])
    // 160 API requests at 60 a minute: the daemon's pacing waited for two more minutes.
    expect(h.daemon.clock.now() - started).toBeGreaterThanOrEqual(2 * 60_000)
  })
})

describe('a learner whose e-mail changed (a new learner id at Huntress)', () => {
  it('is a new person; the old address keeps sticky compliance or leaves', async () => {
    const { example, connection } = await workedExample()
    expect((await h.sync(connection.id)).ok).toBe(true)

    h.fake.tenant.changeEmail(example.learners.astronaut.id, 'astro@example.com')
    h.fake.tenant.changeEmail(example.learners.wizard.id, 'wiz@example.com')
    expect((await h.sync(connection.id)).ok).toBe(true)

    const people = await h.people()
    expect(securityAwareness(people['astronaut@example.com'])).toBe('compliant 2/2') // sticky
    expect(securityAwareness(people['astro@example.com'])).toBe('non_compliant 0/2') // no history
    expect(securityAwareness(people['wiz@example.com'])).toBe('non_compliant 0/2')
    expect(people['wizard@example.com']).toBeUndefined() // inactive now, and nothing sticky to keep
  })
})

describe('an assignment deleted between syncs', () => {
  it('drops out of the selection, and the sync still succeeds', async () => {
    const { example, connection } = await workedExample()
    const { a, b } = example.assignments
    expect((await h.sync(connection.id)).ok).toBe(true)
    const campaignB = (await h.campaigns(connection.id)).find((campaign) => campaign.externalId === b.id)!
    expect(campaignB.trainings).toEqual(['security_awareness'])

    h.fake.tenant.deleteAssignment(b.id)
    const run = await h.sync(connection.id)

    expect(run).toMatchObject({ ok: true, error: null })
    const trainings = (await h.call<TrainingConfig[]>('/trainings')).body
    const selection = trainings.find((training) => training.id === 'security_awareness')!
    expect(selection.campaignIds).toHaveLength(1)
    const campaigns = await h.campaigns(connection.id)
    expect(campaigns.map((campaign) => campaign.externalId)).toEqual([a.id, example.assignments.c.id])
    expect(selection.campaignIds).toEqual([campaigns[0]!.id])
    const [latest] = await h.audit('sync.completed') // newest first
    expect(latest?.detail).toMatchObject({ droppedFromSelection: [campaignB.id] })

    // Only A counts now; the compliant stay compliant (sticky), the others are re-evaluated.
    const people = await h.people()
    expect(securityAwareness(people['astronaut@example.com'])).toBe('compliant 2/2')
    expect(securityAwareness(people['hero@example.com'])).toBe('compliant 1/1')
    expect(securityAwareness(people['wizard@example.com'])).toBe('non_compliant 0/1')
    // ninja was enrolled in B only: known through no selected assignment any more, not listed.
    expect(securityAwareness(people['ninja@example.com'])).toBe('absent')
  })
})
