import { dbText } from '../../helpers/store-files.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startTestDaemon, type TestDaemon } from '../../helpers/daemon.ts'

let daemon: TestDaemon
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error

beforeAll(async () => {
  daemon = await startTestDaemon()
  await daemon.deps.store.update(
    (db) => {
      const record = {
        status: 'compliant' as const,
        completed: 1,
        required: 1,
        compliantAt: '2026-10-01T00:00:00.000Z',
        sticky: true,
        campaigns: [{ id: 'c1:1', name: 'Campaign A', completed: true, completedAt: '2026-10-01T00:00:00.000Z' }],
        evidence: [
          {
            campaignId: 'c1:1',
            campaignName: 'Campaign A',
            module: 'm',
            moduleName: 'm',
            enrollmentId: '7',
            completedAt: '2026-10-01T00:00:00.000Z',
          },
        ],
        evaluatedAt: '2026-10-02T00:00:00.000Z',
        connectionId: 'c1',
        certificates: [],
        source: null,
        evidenceSha256: null,
      }
      db.people.set('astronaut@example.com', {
        email: 'astronaut@example.com',
        name: 'Astro Naut',
        seenBy: [],
        externalIds: {},
        records: { security_awareness: record },
      })
      db.people.set('ninja@example.com', { email: 'ninja@example.com', name: 'Nin Ja', seenBy: [], externalIds: {}, records: {} })
    },
    { people: 'all' },
  )
})
afterAll(() => daemon.stop())

describe('conventions', () => {
  it('health answers ok and the version', async () => {
    expect(await (await daemon.api('/health', { token: null })).json()).toEqual({ ok: true, version: '0.1.0' })
  })

  it('an unknown endpoint is a 404 in the error envelope', async () => {
    const res = await daemon.api('/nope')
    expect(res.status).toBe(404)
    expect((await errorOf(res)).code).toBe('not_found')
  })

  it('a body that fails validation is a 400 naming the field', async () => {
    const res = await daemon.api('/tokens', { method: 'POST', json: { role: 'wizard' } })
    expect(res.status).toBe(400)
    const error = await errorOf(res)
    expect(error.code).toBe('invalid_request')
    expect(error.message).toContain('role')
  })

  it('malformed JSON is a 400, not a 500', async () => {
    const res = await daemon.api('/tokens', { method: 'POST', body: '{"role":', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).code).toBe('invalid_request')
  })

  it('a body over the size limit is refused with 413', async () => {
    const res = await daemon.api('/tokens', { method: 'POST', json: { role: 'admin', label: 'x'.repeat(100_000) } })
    expect(res.status).toBe(413)
    expect((await errorOf(res)).code).toBe('payload_too_large')
  })

  it('refuses a Host that is not loopback with our port (DNS rebinding)', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${daemon.url}/api/v1/health`, { headers: { host: `evil.example:${daemon.port}` } }, (res) =>
        resolve(res.statusCode ?? 0),
      )
      req.on('error', reject).end()
    })
    expect(status).toBe(403)
  })

  it('refuses a web page origin and gives CORS only to extension origins', async () => {
    const evil = await daemon.api('/me', { headers: { origin: 'https://evil.example' } })
    expect(evil.status).toBe(403)
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
    const extension = await daemon.api('/me', { headers: { origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' } })
    expect(extension.status).toBe(200)
    expect(extension.headers.get('access-control-allow-origin')).toBe('chrome-extension://abcdefghijklmnopabcdefghijklmnop')
    const preflight = await daemon.api('/me', { method: 'OPTIONS', token: null, headers: { origin: 'moz-extension://1234-abcd' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization')
  })
})

describe('tokens and me', () => {
  it('issues an employee token shown once and stored only as a hash', async () => {
    const res = await daemon.api('/tokens', { method: 'POST', json: { role: 'employee', email: ' Ninja@Example.com ' } })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { token: string; role: string; email: string }
    expect(created).toMatchObject({ role: 'employee', email: 'ninja@example.com' })
    expect(dbText(daemon.dataDir)).not.toContain(created.token)
    expect(await (await daemon.api('/me', { token: created.token })).json()).toEqual({ role: 'employee', email: 'ninja@example.com' })
  })

  it('refuses an employee token without an e-mail', async () => {
    const res = await daemon.api('/tokens', { method: 'POST', json: { role: 'employee' } })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toContain('email')
  })

  it('lets an employee read only their own trainings', async () => {
    const { token } = (await (
      await daemon.api('/tokens', { method: 'POST', json: { role: 'employee', email: 'ninja@example.com' } })
    ).json()) as { token: string }
    const own = await daemon.api('/me/trainings', { token })
    expect(own.status).toBe(200)
    expect(await own.json()).toMatchObject({ email: 'ninja@example.com', due: 0, provider: { security_awareness: null } })
    expect((await daemon.api('/me/trainings?email=astronaut@example.com', { token })).status).toBe(403)
    expect((await daemon.api('/personnel/ninja@example.com/certificates/hipaa', { token })).status).toBe(404)
    expect((await daemon.api('/personnel/astronaut@example.com/certificates/security_awareness', { token })).status).toBe(403)
  })
})

describe('trainings', () => {
  it('lists one config per training', async () => {
    const list = (await (await daemon.api('/trainings')).json()) as { id: string }[]
    expect(list.map((item) => item.id)).toEqual(['security_awareness', 'hipaa', 'ai_awareness'])
  })

  it('refuses campaigns of an unknown connection and changes nothing', async () => {
    const before = await (await daemon.api('/trainings')).json()
    const res = await daemon.api('/trainings/hipaa', { method: 'PUT', json: { connectionId: 'nope', campaignIds: ['x'] } })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).code).toBe('invalid_request')
    expect(await (await daemon.api('/trainings')).json()).toEqual(before)
  })

  it('refuses an unknown training id', async () => {
    expect((await daemon.api('/trainings/fire_safety', { method: 'PUT', json: { connectionId: null, campaignIds: [] } })).status).toBe(400)
  })
})

describe('personnel', () => {
  it('lists people sorted by e-mail, with a status per training', async () => {
    const people = (await (await daemon.api('/personnel')).json()) as {
      email: string
      trainings: Record<string, { status: string; sticky: boolean }>
    }[]
    expect(people.map((person) => person.email)).toEqual(['astronaut@example.com', 'ninja@example.com'])
    expect(people[0]?.trainings.security_awareness).toMatchObject({ status: 'compliant', sticky: true })
    expect(people[1]?.trainings.security_awareness?.status).toBe('not_configured')
  })

  it('filters by training and status', async () => {
    const compliant = (await (await daemon.api('/personnel?training=security_awareness&status=compliant')).json()) as { email: string }[]
    expect(compliant.map((person) => person.email)).toEqual(['astronaut@example.com'])
    expect((await daemon.api('/personnel?status=great')).status).toBe(400)
  })

  it('finds one person case-insensitively and 404s an unknown one', async () => {
    expect((await daemon.api('/personnel/ASTRONAUT@example.com')).status).toBe(200)
    const missing = await daemon.api('/personnel/nobody@example.com')
    expect(missing.status).toBe(404)
    expect((await errorOf(missing)).code).toBe('not_found')
    expect((await daemon.api('/personnel/not-an-email')).status).toBe(400)
  })

  it('serves a certificate PDF for a compliant person', async () => {
    const res = await daemon.api('/personnel/astronaut@example.com/certificates/security_awareness')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-')
  })

  it('reset clears sticky compliance and writes an audit event', async () => {
    const res = await daemon.api('/personnel/astronaut@example.com/reset', { method: 'POST', json: { training: 'security_awareness' } })
    expect(res.status).toBe(200)
    const person = (await res.json()) as { trainings: Record<string, { status: string; sticky: boolean }> }
    expect(person.trainings.security_awareness).toMatchObject({ sticky: false, status: 'not_configured' })
    const audit = (await (await daemon.api('/audit')).json()) as { action: string; detail: Record<string, unknown> }[]
    expect(audit[0]).toMatchObject({ action: 'person.reset', detail: { email: 'astronaut@example.com', previousStatus: 'compliant' } })
    expect((await daemon.api('/personnel/astronaut@example.com/certificates/security_awareness')).status).toBe(404)
  })
})

describe('openapi', () => {
  it('publishes every route with its access and the shared schemas', async () => {
    const doc = (await (await daemon.api('/openapi.json', { token: null })).json()) as {
      openapi: string
      paths: Record<string, Record<string, { 'x-access': unknown }>>
      components: { schemas: Record<string, unknown> }
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.paths['/api/v1/personnel/{email}/reset']?.post?.['x-access']).toEqual(['admin', 'workspace_manager', 'devops_engineer'])
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Person', 'Connection', 'Campaign', 'SyncRun', 'Error']))
  })
})

it('the admin token from the environment is never written to the db', () => {
  expect(dbText(daemon.dataDir)).not.toContain(ADMIN_TOKEN)
})
