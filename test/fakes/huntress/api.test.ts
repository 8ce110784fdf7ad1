import { createHash, randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decideAuthorization } from '../../../fakes/huntress/browser.ts'
import { startHuntressFake, type HuntressFake } from '../../../fakes/huntress/index.ts'
import { seedLargeTenant, seedWorkedExample, type WorkedExample } from '../../../fakes/huntress/seed.ts'

const REDIRECT = 'http://127.0.0.1/callback'
let fake: HuntressFake
let example: WorkedExample
let accessToken: string

beforeEach(async () => {
  fake = await startHuntressFake()
  example = seedWorkedExample(fake)
  accessToken = await login()
})
afterEach(() => fake.close())

async function login(): Promise<string> {
  const verifier = randomBytes(32).toString('base64url')
  const url = new URL(`${fake.url}/oauth/authorize`)
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const params = { response_type: 'code', client_id: fake.client.clientId, redirect_uri: REDIRECT, state: 's', code_challenge: challenge }
  for (const [key, value] of Object.entries({ ...params, code_challenge_method: 'S256' })) url.searchParams.set(key, value)
  const { code } = await decideAuthorization(url.toString())
  const form = { grant_type: 'authorization_code', code: code ?? '', redirect_uri: REDIRECT, code_verifier: verifier }
  const response = await fetch(`${fake.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ ...form, client_id: fake.client.clientId, client_secret: fake.client.clientSecret }),
  })
  return ((await response.json()) as { access_token: string }).access_token
}

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${fake.url}/api/v1${path}`, {
    headers: { accept: 'application/vnd.api+json', 'user-agent': 'test', authorization: `Bearer ${accessToken}`, ...headers },
  })
}

type Doc = {
  data: { id: string; attributes: Record<string, unknown> }[]
  meta: { page: Record<string, number> }
  links: Record<string, string>
}
const body = async (response: Response) => (await response.json()) as Doc

describe('the fake Huntress JSON:API', () => {
  it('lists the accounts, the sandbox one included, as JSON:API', async () => {
    const response = await get('/accounts')

    const actual = await body(response)
    expect(response.headers.get('content-type')).toBe('application/vnd.api+json')
    expect(actual.data.map((account) => account.attributes.type)).toEqual(['paid', 'sandbox'])
    expect(actual.meta.page).toMatchObject({ currentPage: 1, lastPage: 1, total: 2 })
  })

  it('clamps page[size] to 100 and pages with meta and links', async () => {
    const large = seedLargeTenant(fake, { learners: 250 })
    const id = large.assignments[0]?.id

    const actual = await body(await get(`/assignments/${id}/learners?page[number]=2&page[size]=500`))

    expect(actual.data).toHaveLength(100)
    expect(actual.meta.page).toEqual({ currentPage: 2, from: 101, lastPage: 3, perPage: 100, to: 200, total: 250 })
    expect(Object.keys(actual.links).sort()).toEqual(['first', 'last', 'next', 'prev'])
  })

  it('answers an empty page past the end, and 400 for page[number]=0', async () => {
    const past = await body(await get(`/assignments/${example.assignments.a.id}/learners?page[number]=9`))
    const zero = await get(`/assignments/${example.assignments.a.id}/learners?page[number]=0`)

    expect(past.data).toEqual([])
    expect(zero.status).toBe(400)
  })

  it('serves enrolled learners who never started without an activity row', async () => {
    const { b } = example.assignments

    const learners = await body(await get(`/assignments/${b.id}/learners`))
    const activity = await body(await get(`/assignments/${b.id}/learner-activity`))

    expect(learners.data).toHaveLength(3)
    expect(activity.data.map((row) => row.attributes.learnerId)).toEqual([example.learners.astronaut.id, example.learners.wizard.id])
  })

  it.each([
    ['no JSON:API Accept header', { accept: 'application/json' }, 406],
    ['an empty User-Agent', { 'user-agent': '' }, 400],
    ['an unknown token', { authorization: 'Bearer nope' }, 401],
  ])('refuses a request with %s', async (_name, headers, status) => {
    const response = await get('/accounts', headers)

    expect(response.status).toBe(status)
    expect(await response.json()).toEqual({ errors: [{ status: String(status), title: expect.any(String), detail: expect.any(String) }] })
  })

  it('answers 401 once access tokens expire', async () => {
    fake.expireAccessTokens()

    const response = await get('/accounts')

    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('Bearer')
  })

  it('answers 403 naming the scope that was dropped', async () => {
    fake.dropScope('learners:read')

    const response = await get(`/assignments/${example.assignments.a.id}/learners`)

    expect(response.status).toBe(403)
    expect(JSON.stringify(await response.json())).toContain('learners:read')
  })

  it('answers 404 for a deleted assignment and leaves it out of the list', async () => {
    fake.tenant.deleteAssignment(example.assignments.c.id)

    const byId = await get(`/assignments/${example.assignments.c.id}`)
    const list = await body(await get(`/accounts/${example.account.id}/assignments`))

    expect(byId.status).toBe(404)
    expect(list.data.map((assignment) => assignment.id)).not.toContain(example.assignments.c.id)
  })

  it('gives a learner whose e-mail changed a new id', async () => {
    const fresh = fake.tenant.changeEmail(example.learners.wizard.id, 'wizard.new@example.com')

    const actual = await body(await get(`/assignments/${example.assignments.a.id}/learners`))

    const wizard = actual.data.filter((learner) => String(learner.attributes.firstName) === 'Wizard')
    expect(wizard.map((learner) => [learner.id, learner.attributes.status])).toEqual([
      [example.learners.wizard.id, 'inactive'],
      [fresh.id, 'active'],
    ])
  })

  it('rate-limits per client with Retry-After, or without it when switched off', async () => {
    fake.settings.rateLimit = { requests: 2, windowMs: 60_000, retryAfter: true }
    await get('/accounts')
    await get('/accounts')

    const limited = await get('/accounts')
    fake.settings.rateLimit.retryAfter = false
    const bare = await get('/accounts')

    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(bare.status).toBe(429)
    expect(bare.headers.get('retry-after')).toBeNull()
  })
})

describe('the fake completion certificate', () => {
  const path = (learnerId?: string) =>
    `/assignments/${example.assignments.a.id}/completion-certificate${learnerId ? `?learnerId=${learnerId}` : ''}`

  it('links to PDF bytes that stop working once the link expires', async () => {
    const found = (await (await get(path(example.learners.astronaut.id))).json()) as { data: { attributes: { pdf: string } } }

    const pdf = await fetch(found.data.attributes.pdf)
    const bytes = Buffer.from(await pdf.arrayBuffer())
    fake.expireCertificateLinks()
    const expired = await fetch(found.data.attributes.pdf)

    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-')
    expect(bytes.subarray(-6).toString()).toBe('%%EOF\n')
    expect(expired.status).toBe(403)
  })

  it('answers 400 without a learner and 404 for a learner who has not completed', async () => {
    const missing = await get(path())
    const notDone = await get(path(example.learners.wizard.id))

    expect(missing.status).toBe(400)
    expect(notDone.status).toBe(404)
  })
})

describe('HuntressFake.inject', () => {
  it.each([
    [{ kind: 'status', status: 503 } as const, 503],
    [{ kind: 'rate_limit', retryAfter: 7 } as const, 429],
  ])('answers the injected %o once, then normally', async (fault, status) => {
    fake.inject(fault, { path: '/accounts' })

    const first = await get('/accounts')
    const second = await get('/accounts')

    expect(first.status).toBe(status)
    expect(second.status).toBe(200)
  })

  it('serves malformed and schema-breaking JSON', async () => {
    fake.inject({ kind: 'malformed_json' })
    fake.inject({ kind: 'bad_shape' })

    const malformed = await (await get('/accounts')).text()
    const broken = (await (await get('/accounts')).json()) as { meta: { page: unknown } }

    expect(() => JSON.parse(malformed)).toThrow()
    expect(broken.meta.page).toBe('one')
  })

  it('resets the connection', async () => {
    fake.inject({ kind: 'drop' })

    await expect(get('/accounts')).rejects.toThrow()
  })

  it('lets requests through first with `after`, and logs every request with its status', async () => {
    fake.clearRequests()
    fake.inject({ kind: 'status', status: 500 }, { after: 1, path: /accounts$/ })

    await get('/accounts')
    await get('/accounts')

    expect(fake.requests.map((entry) => [entry.path, entry.status, entry.fault])).toEqual([
      ['/api/v1/accounts', 200, null],
      ['/api/v1/accounts', 500, 'status'],
    ])
    expect(fake.requests[0]?.clientId).toBe(fake.client.clientId)
    expect(fake.requestCount('/accounts')).toBe(2)
  })

  it('seeds 100,000 learners', () => {
    const large = seedLargeTenant(fake, { learners: 100_000 })

    expect(fake.tenant.enrolledIds(large.assignments[0]?.id ?? '')).toHaveLength(100_000)
  })
})
