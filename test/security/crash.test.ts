import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../daemon/store/schema.ts'
import { readStoreFiles } from '../../daemon/store/store.ts'
import { seedLargeTenant, startKnowBe4Fake, type FakeFault, type KnowBe4Fake } from '../../fakes/knowbe4/index.ts'
import type { SyncRun } from '../../shared/domain.ts'
import { ADMIN, connectKnowBe4, recordFigures, scaled, selectAll, SOAK, startSecurityDaemon, sync } from './harness.ts'

/**
 * kill -9 at many points of a large KnowBe4 sync: while each provider request is in flight, on
 * each file event of the commit (backup rotation, temp file, rename), and at timed instants
 * after the last answer. After every kill the daemon must start again on the same data dir (the
 * db validates) holding either the whole pre-sync state or the whole synced state, never a mix,
 * and a new sync must bring it to the synced state.
 */

const USERS = scaled(4_000, 10_000)
const ENTRY = 'test/security/crash-daemon.ts'

type Trigger = { kind: 'request'; k: number } | { kind: 'file'; n: number } | { kind: 'timer'; ms: number } | { kind: 'none' }
type Outcome = 'pre' | 'post'

let fake: KnowBe4Fake
let template: string
let pre: string
let post: string
/** (e-mail, training) pairs holding a record both before and after the sync: none may go missing. */
let kept: [string, string][] = []
/** One whole sync in the child: provider requests, file events in the data dir, ms from the last answer to the end. */
const perSync = { requests: 0, fileEvents: 0, commitMs: 0 }
const figures = {
  points: 0,
  survived: 0,
  pre: 0,
  post: 0,
  mixed: 0,
  refusedToStart: 0,
  recordsLost: 0,
  byPhase: {} as Record<string, number>,
}

/** What a sync may change, without the evaluation timestamps that differ from run to run. */
function state(db: Db): string {
  const drop = (key: string, value: unknown) => (key === 'evaluatedAt' ? undefined : value)
  return JSON.stringify(
    { people: Object.fromEntries(db.people), campaigns: db.campaigns, trainings: db.trainings, tokens: [...db.tokens.values()] },
    drop,
  )
}

const copyTemplate = () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainproof-crash-'))
  cpSync(template, dir, { recursive: true })
  return dir
}

beforeAll(async () => {
  fake = await startKnowBe4Fake({ limits: { perSecond: 1e9, perMinute: 1e9, daily: 1e9 }, logLimit: 100 })
  const { campaigns } = seedLargeTenant(fake, { users: USERS, campaigns: 2, completedShare: 0.5, seed: 11 })
  template = mkdtempSync(join(tmpdir(), 'trainproof-crash-template-'))
  const first = await startSecurityDaemon({ dataDir: template })
  const { id } = await connectKnowBe4(first, fake)
  await selectAll(first, id)
  expect((await sync(first, id)).ok).toBe(true)
  pre = state(first.db())
  const before = first.db().people
  await first.daemon.close()
  for (const file of readdirSync(template)) chmodSync(join(template, file), statSync(join(template, file)).isDirectory() ? 0o700 : 0o600) // as npm start writes them

  // What the next sync brings: completions, and people who joined since.
  for (const campaign of campaigns) {
    fake.tenant.enrollmentsOf(campaign.id).forEach((row, index) => {
      if (row.completionDate === null && index % 3 === 0) fake.tenant.complete(row.id, '2026-03-02T08:00:00.000Z')
    })
  }
  for (let index = 0; index < USERS / 20; index++) {
    const user = fake.tenant.addUser({ email: `joiner${index}@bench.example`, firstName: 'New', lastName: String(index) })
    fake.tenant.enroll({ campaign: campaigns[0]!, user, completedAt: '2026-03-03T08:00:00.000Z' })
  }

  const reference = copyTemplate()
  const requests = fake.count()
  const second = await startSecurityDaemon({ dataDir: reference })
  expect((await sync(second, id)).ok).toBe(true)
  perSync.requests = fake.count() - requests
  post = state(second.db())
  kept = recordsOf(before).filter(([email, training]) => second.db().people.get(email)?.records[training as 'hipaa'])
  await second.daemon.close()
  rmSync(reference, { recursive: true, force: true })
  expect(post).not.toBe(pre)
}, 120_000)

afterAll(async () => {
  const { byPhase, ...counts } = figures
  const phases = Object.fromEntries(Object.entries(byPhase).map(([kind, n]) => [`killsAt_${kind}`, n]))
  recordFigures('crash', { users: USERS, requestsPerSync: perSync.requests, fileEventsPerSync: perSync.fileEvents, ...counts, ...phases })
  await fake?.close()
  if (template) rmSync(template, { recursive: true, force: true })
})

function recordsOf(people: Db['people']): [string, string][] {
  return [...people.values()].flatMap((person) => Object.keys(person.records).map((training): [string, string] => [person.email, training]))
}

function watchCount(dir: string, onEvent?: (count: number) => void) {
  let count = 0
  const watcher = watch(dir, () => {
    count++
    onEvent?.(count)
  })
  return {
    close: () => {
      watcher.close()
      return count
    },
  }
}

function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk) => {
      out += chunk
      const match = /listening on (\S+)/.exec(out)
      if (match) resolve(match[1]!)
    })
    child.on('exit', (code) => reject(new Error(`the daemon exited with ${code} before listening`)))
  })
}

/** Starts the daemon on a copy of the pre-sync data, starts a sync, and kills -9 at the trigger. */
async function crashAt(trigger: Trigger): Promise<Outcome> {
  let lastAnswerAt = 0
  const dir = copyTemplate()
  // node with tsx's loader, not the tsx CLI: the CLI runs the daemon in a child of its own, and a
  // SIGKILL of the CLI (which it cannot relay) would leave that daemon running.
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: {
      ...process.env,
      TRAINPROOF_DATA_DIR: dir,
      TRAINPROOF_PORT: '0',
      TRAINPROOF_SCHEDULER: '0',
      TRAINPROOF_LOG_LEVEL: 'silent',
      TRAINPROOF_ADMIN_TOKEN: ADMIN,
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  const url = await listening(child)
  const kill = () => child.kill('SIGKILL')
  let seen = 0
  const take = fake.faults.take.bind(fake.faults)
  fake.faults.take = (path): FakeFault | null => {
    seen++
    if (trigger.kind === 'request' && seen === trigger.k) {
      kill()
      return { kind: 'hang' }
    }
    if (trigger.kind === 'timer' && seen === perSync.requests) setTimeout(kill, trigger.ms)
    lastAnswerAt = Date.now()
    return take(path)
  }
  const events = watchCount(dir, (count) => trigger.kind === 'file' && count === trigger.n && kill())
  const connectionId = (JSON.parse(readFileSync(join(dir, 'trainproof.json'), 'utf8')) as Db).connections[0]!.id
  const answered = await fetch(`${url}/api/v1/connections/${connectionId}/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}` },
  })
    .then((response) => response.ok)
    .catch(() => false)
  const commitMs = Date.now() - lastAnswerAt
  kill() // a trigger that never fired still ends in a kill; the point then does not count
  await exited
  const fileEvents = events.close()
  fake.faults.take = take
  // The child's own count: timed kills start at its last request, so it must be the child's.
  if (trigger.kind === 'none') Object.assign(perSync, { fileEvents, commitMs, requests: seen })

  try {
    return await restartAndCheck(dir, connectionId, answered, trigger)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The restart: the db validates, holds pre or post whole, keeps 0600 files, and syncs to post. */
async function restartAndCheck(dir: string, connectionId: string, answered: boolean, trigger: Trigger): Promise<Outcome> {
  const restarted = await startSecurityDaemon({ dataDir: dir }).catch((error: Error) => {
    figures.refusedToStart++
    throw error
  })
  try {
    const found = state(restarted.db())
    const people = restarted.db().people
    figures.recordsLost += kept.filter(([email, training]) => !people.get(email)?.records[training as 'hipaa']).length
    const outcome: Outcome | null = found === pre ? 'pre' : found === post ? 'post' : null
    if (outcome === null) figures.mixed++
    expect(outcome, 'the db holds a mix of pre- and post-sync data').not.toBeNull()
    // Every file of the store and of its backups (folders of files) is private.
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.startsWith('trainproof.'))) {
      const stats = statSync(join(dir, file))
      expect((stats.mode & 0o777).toString(8), file).toBe(stats.isDirectory() ? '700' : '600')
    }
    const run = (await sync(restarted, connectionId)) as SyncRun
    expect(run.ok).toBe(true)
    expect(state(restarted.db())).toBe(post)
    if (!answered && trigger.kind !== 'none') {
      figures.points++
      figures.survived++
      figures[outcome!]++
      figures.byPhase[trigger.kind] = (figures.byPhase[trigger.kind] ?? 0) + 1
    }
    return outcome!
  } finally {
    await restarted.daemon.close()
  }
}

/** Spread `count` kill points over 1..max. */
const spread = (max: number, count: number) => [
  ...new Set(Array.from({ length: Math.min(count, max) }, (_, index) => 1 + Math.round((index * (max - 1)) / Math.max(1, count - 1)))),
]

describe(`kill -9 during a sync of ${USERS} people`, () => {
  it('has enough requests, file events and commit time to crash in (an uninterrupted run in the child)', { timeout: 90_000 }, async () => {
    expect(await crashAt({ kind: 'none' })).toBe('post')
    expect(perSync.requests).toBeGreaterThanOrEqual(10)
    expect(perSync.fileEvents).toBeGreaterThanOrEqual(3)
    expect(perSync.commitMs).toBeGreaterThan(0)
  })

  /**
   * Kill points over the whole sync, not bunched in the fetch: a third while provider requests
   * are in flight, 8 over the file events of the backup and the commit (copy, temp file, fsync,
   * rename), and 10 timed kills spread over the span from the last provider answer to the answer
   * of the sync (evaluation, backup, serialisation, the write and what follows the rename).
   */
  const triggers = (): Trigger[] => [
    ...spread(perSync.requests, SOAK ? 40 : 8).map((k) => ({ kind: 'request' as const, k })),
    ...spread(perSync.fileEvents, SOAK ? perSync.fileEvents : 8).map((n) => ({ kind: 'file' as const, n })),
    // Up to 90 % of the span: the test's clock sees the answer a little after the child sent it.
    ...spread(90, SOAK ? 20 : 10).map((percent) => ({ kind: 'timer' as const, ms: Math.round((perSync.commitMs * percent) / 100) })),
  ]

  it('survives every kill point: restarts, validates, never mixes, then syncs whole', { timeout: SOAK ? 3_600_000 : 900_000 }, async () => {
    const outcomes: Record<string, Outcome> = {}
    for (const trigger of triggers()) outcomes[JSON.stringify(trigger)] = await crashAt(trigger)

    expect(figures.points).toBeGreaterThanOrEqual(20)
    expect(figures.mixed + figures.refusedToStart + figures.recordsLost).toBe(0)
    expect(Object.values(outcomes)).toContain('pre')
    // Kills landed in every phase: the fetch, the span after it, and the commit's file events.
    for (const kind of ['request', 'file', 'timer']) expect(figures.byPhase[kind] ?? 0, kind).toBeGreaterThanOrEqual(3)
  })
})

/**
 * kill -9 while person-level changes are written: resets of ten people sent at once (each one a
 * journal line, an audit line and the configuration as commit point), killed at the n-th file
 * event in the data dir. After the restart every reset the API answered is there, and each person
 * is reset together with its audit event or not at all: never a record without its event, or
 * the other way round.
 */
describe('kill -9 during journal appends (resets)', () => {
  it('keeps every answered reset, and each reset whole with its audit event', { timeout: SOAK ? 1_800_000 : 420_000 }, async () => {
    const pre = await readStoreFiles(join(template, 'trainproof.json'))
    const targets = [...pre.people.values()]
      .filter((person) => person.records.security_awareness?.status === 'compliant')
      .slice(0, 10)
      .map((person) => person.email)
    expect(targets).toHaveLength(10)
    let points = 0
    for (const n of [1, 2, 3, 5, 8, 12, 17, 23]) {
      const dir = copyTemplate()
      try {
        const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
          env: {
            ...process.env,
            TRAINPROOF_DATA_DIR: dir,
            TRAINPROOF_PORT: '0',
            TRAINPROOF_SCHEDULER: '0',
            TRAINPROOF_LOG_LEVEL: 'silent',
            TRAINPROOF_ADMIN_TOKEN: ADMIN,
          },
          stdio: ['ignore', 'pipe', 'ignore'],
        })
        const exited = new Promise((resolve) => child.on('exit', resolve))
        const url = await listening(child)
        let killed = false
        const events = watchCount(dir, (count) => {
          if (count === n) {
            killed = true
            child.kill('SIGKILL')
          }
        })
        const answered = new Set<string>()
        await Promise.all(
          targets.map((email) =>
            fetch(`${url}/api/v1/personnel/${email}/reset`, {
              method: 'POST',
              headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
              body: '{"training":"security_awareness"}',
            })
              .then((response) => void (response.ok && answered.add(email)))
              .catch(() => undefined),
          ),
        )
        child.kill('SIGKILL')
        await exited
        events.close()

        const restarted = await startSecurityDaemon({ dataDir: dir })
        try {
          const db = restarted.db()
          for (const email of targets) {
            const isReset = db.people.get(email)?.records.security_awareness === undefined
            const events = db.audit.filter((event) => event.action === 'person.reset' && event.detail.email === email).length
            expect(events, `${email} after a kill at file event ${n}`).toBe(isReset ? 1 : 0)
            if (answered.has(email)) expect(isReset, `${email} was answered`).toBe(true)
          }
          expect(new Set(db.audit.map((event) => event.id)).size).toBe(db.audit.length)
        } finally {
          await restarted.daemon.close()
        }
        if (killed && answered.size < targets.length) points++
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    recordFigures('crash-journal', { points })
    expect(points).toBeGreaterThanOrEqual(5)
  })
})

/** The daemon as `npm start` runs it, on `dir`, listening: the child, its URL and its exit. */
async function spawnDaemon(dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: {
      ...process.env,
      TRAINPROOF_DATA_DIR: dir,
      TRAINPROOF_PORT: '0',
      TRAINPROOF_SCHEDULER: '0',
      TRAINPROOF_LOG_LEVEL: 'silent',
      TRAINPROOF_ADMIN_TOKEN: ADMIN,
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  return { child, exited, url: await listening(child) }
}

/**
 * kill -9 while token changes are written: ten tokens issued at once, each revoked as soon as it
 * is answered (each change one tokens-journal line, an audit line and the configuration), killed
 * at the n-th file event in the data dir. After the restart every answered issue and revocation
 * is there, and each token's presence matches its audit events: issued and not revoked, or not
 * there — never a token without its event, or the other way round.
 */
describe('kill -9 during tokens-journal appends (tokens issued and revoked)', () => {
  it('keeps every answered token change, each whole with its audit event', { timeout: SOAK ? 1_800_000 : 420_000 }, async () => {
    const labels = Array.from({ length: 10 }, (_, index) => `crash-token-${index}`)
    let points = 0
    for (const n of [1, 2, 3, 5, 8, 12, 17, 23, 30, 38]) {
      const dir = copyTemplate()
      try {
        const { child, exited, url } = await spawnDaemon(dir)
        let killed = false
        const events = watchCount(dir, (count) => {
          if (count === n) {
            killed = true
            child.kill('SIGKILL')
          }
        })
        const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }
        const issued = new Map<string, string>()
        const revoked = new Set<string>()
        await Promise.all(
          labels.map(async (label) => {
            try {
              const response = await fetch(`${url}/api/v1/tokens`, {
                method: 'POST',
                headers,
                body: JSON.stringify({ role: 'access_reviewer', label }),
              })
              if (!response.ok) return
              const { id } = (await response.json()) as { id: string }
              issued.set(label, id)
              const gone = await fetch(`${url}/api/v1/tokens/${id}`, { method: 'DELETE', headers })
              if (gone.ok) revoked.add(id)
            } catch {
              // killed meanwhile
            }
          }),
        )
        child.kill('SIGKILL')
        await exited
        events.close()

        const restarted = await startSecurityDaemon({ dataDir: dir })
        try {
          const db = restarted.db()
          const issuedEvents = db.audit.filter((event) => event.action === 'token.issued')
          const revokedEvents = new Set(db.audit.filter((event) => event.action === 'token.revoked').map((event) => event.detail.tokenId))
          for (const label of labels) {
            const ids = issuedEvents.filter((event) => event.detail.label === label).map((event) => event.detail.tokenId as string)
            expect(ids.length, `${label} issued at most once`).toBeLessThanOrEqual(1)
            const id = ids[0]
            const present = [...db.tokens.values()].some((token) => token.label === label)
            expect(present, `${label} after a kill at file event ${n}`).toBe(id !== undefined && !revokedEvents.has(id))
            const answered = issued.get(label)
            if (answered !== undefined) expect(id, `${label} was answered`).toBe(answered)
            if (answered !== undefined && revoked.has(answered)) expect(present, `${label}'s revocation was answered`).toBe(false)
          }
          expect(new Set(db.audit.map((event) => event.id)).size).toBe(db.audit.length)
        } finally {
          await restarted.daemon.close()
        }
        if (killed && revoked.size < labels.length) points++
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    recordFigures('crash-tokens', { points })
    expect(points).toBeGreaterThanOrEqual(5)
  })
})
