import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { MeTrainingsQuery, PersonnelQuery, ResetBody } from '../../shared/api.ts'
import { Email, MyTrainings, Person, TRAINING_NAMES, TrainingId, type ProviderId } from '../../shared/domain.ts'
import { ACCESS, isStaff, type AuthEnv } from '../auth/roles.ts'
import type { Principal } from '../auth/tokens.ts'
import { recordCertificate } from '../evidence/certificate.ts'
import { currentRecord, toMyTrainings, toPerson, unknownPerson } from '../compliance/views.ts'
import { PeopleIndex } from '../compliance/people-index.ts'
import { myTrainingsKey, PerPersonCache, personKey } from '../compliance/per-person-cache.ts'
import { AppError, notFound } from '../errors.ts'
import type { Db, StoredRecord } from '../store/schema.ts'
import { defineRoute, json, jsonBody } from './define.ts'
import type { Deps } from './deps.ts'
import { audit } from '../store/audit.ts'
import { clearRetraining } from '../recurrence/resets.ts'

const EmailParam = z.object({ email: Email })
const JSON_TYPE = { 'content-type': 'application/json' }

const myTrainings = defineRoute(ACCESS.selfOrStaff, {
  method: 'get',
  path: '/me/trainings',
  tags: ['personnel'],
  summary: "The caller's trainings (staff may ask for anyone's with ?email=)",
  request: { query: MeTrainingsQuery },
  responses: { 200: json(MyTrainings, 'Statuses, the number due and the provider of each training.') },
})

const recheck = defineRoute(ACCESS.employee, {
  method: 'post',
  path: '/me/recheck',
  tags: ['personnel'],
  summary: '"I finished - check again": a targeted check of the caller\'s due trainings with the provider',
  responses: {
    200: json(MyTrainings, 'The trainings after the re-check (nothing due: without asking the provider).'),
    429: json(
      z.object({}),
      'Asked again within 60 s (`recheck_rate_limited`), or the provider\'s daily budget is down to the nightly sync\'s reserve (`recheck_budget_reserved`); both with Retry-After.',
    ),
  },
})

const list = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/personnel',
  tags: ['personnel'],
  summary: 'Everybody, optionally filtered by training and status',
  request: {
    query: PersonnelQuery.extend({
      limit: z.coerce.number().int().min(1).max(100_000).optional(),
      offset: z.coerce.number().int().min(0).optional(),
    }),
  },
  responses: { 200: json(z.array(Person), 'People, sorted by e-mail.') },
})

const one = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/personnel/{email}',
  tags: ['personnel'],
  summary: 'One person',
  request: { params: EmailParam },
  responses: { 200: json(Person, 'The person.'), 404: json(z.object({}), 'Unknown person.') },
})

const reset = defineRoute(ACCESS.write, {
  method: 'post',
  path: '/personnel/{email}/reset',
  tags: ['personnel'],
  summary: "Clear a person's sticky compliance for one training",
  request: { params: EmailParam, body: jsonBody(ResetBody) },
  responses: { 200: json(Person, 'The person; the next sync evaluates them afresh.'), 404: json(z.object({}), 'Unknown person.') },
})

const certificate = defineRoute(ACCESS.selfOrStaff, {
  method: 'get',
  path: '/personnel/{email}/certificates/{trainingId}',
  tags: ['personnel'],
  summary: "Evidence of completion as a PDF (staff, or the employee themself)",
  request: { params: EmailParam.extend({ trainingId: TrainingId }) },
  responses: {
    200: { description: 'The certificate.', content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } },
    404: json(z.object({}), 'Unknown person, or not compliant for this training.'),
  },
})

/** Whose trainings a request is about: the token's own, or (staff only) the one asked for. */
function whose(principal: Principal, asked: string | undefined): string {
  if (asked !== undefined && asked !== principal.email && !isStaff(principal)) {
    throw new AppError('forbidden', 'An employee token may only read its own trainings.')
  }
  const email = asked ?? principal.email
  if (email === null) throw new AppError('invalid_request', 'This token has no e-mail: add ?email=.')
  return email
}

/**
 * A value derived from the db, recomputed only after the store changed: sorting 100,000 e-mails
 * or parsing connection settings on every request cost more than the request itself (BENCHMARKS.md).
 */
function perRevision<T>(store: Deps['store'], compute: (db: Db) => T): () => T {
  let cached: { revision: number; people: Db['people']; value: T } | null = null
  return () => {
    const db = store.data
    if (cached?.revision !== store.revision || cached.people !== db.people) {
      cached = { revision: store.revision, people: db.people, value: compute(db) }
    }
    return cached.value
  }
}

export function personnelRoutes({ store, providers, certificates, rechecks }: Deps) {
  const portals = perRevision(store, (db) => {
    const urls = {} as Record<TrainingId, string | null>
    for (const training of Object.keys(TRAINING_NAMES) as TrainingId[]) {
      const connection = db.connections.find((item) => item.id === db.trainings[training].connectionId)
      urls[training] = connection ? providers.portalUrl(connection) : null
    }
    return urls
  })
  const portalUrl = (_db: Db) => {
    const urls = portals()
    return (training: TrainingId) => urls[training]
  }
  const index = new PeopleIndex(store)
  // Answers kept as JSON text until the person's data changes: serialising was most of a request's cost.
  const mine = new PerPersonCache(store, (db, email) => JSON.stringify(toMyTrainings(db, db.people[email] ?? unknownPerson(email), portalUrl(db))), myTrainingsKey)
  const people = new PerPersonCache(store, (db, email) => JSON.stringify(toPerson(db, db.people[email]!)), personKey, 50_000)
  return new OpenAPIHono<AuthEnv>()
    .openapi(myTrainings, (c) => {
      const email = whose(c.get('principal')!, c.req.valid('query').email)
      return c.body(mine.get(email), 200, JSON_TYPE)
    })
    .openapi(recheck, async (c) => {
      const principal = c.get('principal')!
      const email = principal.email
      if (email === null) throw new AppError('invalid_request', 'This employee token has no e-mail.')
      await rechecks.run(email, principal.actor)
      const db = store.data
      return c.json(toMyTrainings(db, db.people[email] ?? unknownPerson(email), portalUrl(db)), 200)
    })
    .openapi(list, (c) => {
      const emails = index.page(c.req.valid('query'))
      const keep = emails.length <= 1_000
      return c.body(`[${emails.map((email) => people.get(email, keep)).join(',')}]`, 200, JSON_TYPE)
    })
    .openapi(one, (c) => {
      const { email } = c.req.valid('param')
      const person = store.data.people[email]
      if (!person) throw notFound(`Person ${email}`)
      return c.json(toPerson(store.data, person), 200)
    })
    .openapi(reset, async (c) => {
      const { email } = c.req.valid('param')
      const { training } = c.req.valid('json')
      const actor = c.get('principal')!.actor
      const person = await store.update((db) => {
        const found = db.people[email]
        if (!found) throw notFound(`Person ${email}`)
        const previous = found.records[training]
        delete found.records[training]
        clearRetraining(db, email, training)
        audit(db, actor, 'person.reset', { email, training, previousStatus: previous?.status ?? null, compliantAt: previous?.compliantAt ?? null })
        return toPerson(db, found)
      }, { people: [email] })
      return c.json(person, 200)
    })
    .openapi(certificate, async (c) => {
      const { email, trainingId } = c.req.valid('param')
      const principal = c.get('principal')!
      if (!isStaff(principal) && principal.email !== email) {
        throw new AppError('forbidden', 'An employee token may only read its own certificates.')
      }
      const db = store.data
      const person = db.people[email]
      const record = person ? currentRecord(db, person, trainingId) : null
      if (!person || !record || record.status !== 'compliant') throw notFound(`A certificate of ${email} for ${trainingId}`)
      const pdf = await recordCertificate({ providers, certificates }, db, person, trainingId, record)
      return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="${trainingId}-${email.replace(/[^a-z0-9.@_-]/g, '_')}.pdf"`,
      })
    })
}
