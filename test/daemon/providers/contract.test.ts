import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../daemon/config.ts'
import { ProviderRegistry, PROVIDERS } from '../../../daemon/providers/registry.ts'
import type { ProviderModule } from '../../../daemon/providers/types.ts'
import { connectFields, initialFields, setKnownProviders, describeProvider, providerName } from '../../../extension/utils/providers.ts'
import { ProviderDescription } from '../../../shared/api.ts'
import { ProviderDescription as ProviderDescriptionGuard } from '../../../extension/utils/answers.ts'
import { exampleDescription, exampleProvider } from '../../fixtures/providers/example/index.ts'
import { startExampleFake, type ExampleFake } from '../../fixtures/providers/example/fake.ts'
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')

/** Every part a provider needs besides its registry line, checked for each registered provider. */
async function checkParts(module: ProviderModule): Promise<void> {
  const { description } = module
  // The description is what GET /providers serves and what the extension's guard accepts.
  expect(ProviderDescription.safeParse(description).error).toBeUndefined()
  expect(ProviderDescriptionGuard(description)).toBe(true)

  // The adapter, built from the provider's own variables at their defaults.
  const config = loadConfig({}, [module])
  const adapter = ProviderRegistry.fromConfig(config, [module]).get(description.id)
  expect(adapter.id).toBe(description.id)
  expect(adapter.description).toBe(description)
  expect(adapter.displayName).toBe(description.displayName)
  expect(typeof adapter.open).toBe('function')
  if (description.connect.kind === 'oauth') {
    expect(adapter.oauth, `${description.id} describes an OAuth connect but has no oauth part`).toBeDefined()
  } else {
    expect(adapter.direct, `${description.id} describes a token form but takes no POST /connections body`).toBeDefined()
    // Every field the form shows is a property of the body the daemon accepts.
    const shape = (adapter.direct!.body as unknown as { shape?: Record<string, unknown> }).shape
    for (const field of description.connect.fields) expect(shape, `${description.id}.${field.name}`).toHaveProperty(field.name)
    expect(shape).toHaveProperty('provider')
  }

  // Its fake (fakes/<id>/) and its test harness (test/helpers/<id>.ts).
  const fake = (await import(join(ROOT, 'fakes', description.id, 'index.ts'))) as Record<string, unknown>
  expect(
    Object.entries(fake).some(([name, value]) => /^start\w*Fake$/.test(name) && typeof value === 'function'),
    `fakes/${description.id} exports start…Fake`,
  ).toBe(true)
  expect(existsSync(join(ROOT, 'test', 'helpers', `${description.id}.ts`)), `test/helpers/${description.id}.ts`).toBe(true)
}

describe('provider contract: every registered provider has every part', () => {
  it('lists each provider once, by a valid id', () => {
    const ids = PROVIDERS.map((module) => module.description.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBeGreaterThan(0)
  })

  it.each(PROVIDERS.map((module) => [module.description.id, module] as const))(
    '%s: adapter, valid description, fake, harness',
    async (_id, module) => {
      await checkParts(module)
    },
  )

  it('fails for a provider that lacks a part (here: a description that does not validate)', async () => {
    const broken: ProviderModule = {
      ...exampleProvider,
      description: { ...exampleDescription, brand: { color: 'orange', darkColor: '#000000', mark: 'E' } },
    }
    await expect(checkParts(broken)).rejects.toThrow()
  })
})

describe('a third provider takes its own folder plus one registry line', () => {
  let fake: ExampleFake
  let daemon: TestDaemon

  beforeAll(async () => {
    fake = await startExampleFake()
    // The one line: the production list plus the example, with its own variable set.
    const modules = [...PROVIDERS, exampleProvider]
    const config = loadConfig({ TRAINPROOF_EXAMPLE_URL: fake.url }, modules)
    daemon = await startTestDaemon({ providers: ProviderRegistry.fromConfig(config, modules) })
  })

  afterAll(async () => {
    await daemon?.stop()
    await fake?.close()
  })

  it('is described by GET /providers, connects through POST /connections and syncs', async () => {
    const described = (await (await daemon.api('/providers')).json()) as ProviderDescription[]
    expect(described.map((description) => description.id)).toEqual(['knowbe4', 'huntress', 'example'])

    const refused = await daemon.api('/connections', { method: 'POST', json: { provider: 'example', apiKey: 'wrong' } })
    expect(refused.status).toBe(422)

    const created = await daemon.api('/connections', { method: 'POST', json: { provider: 'example', apiKey: fake.apiKey } })
    expect(created.status).toBe(201)
    const connection = (await created.json()) as { id: string; provider: string; label: string }
    expect(connection).toMatchObject({ provider: 'example', label: 'Example Clinic' })

    const campaigns = (await (await daemon.api(`/connections/${connection.id}/campaigns`)).json()) as { id: string; name: string }[]
    expect(campaigns.map((campaign) => campaign.name)).toEqual(['Security Basics'])
    const put = await daemon.api('/trainings/security_awareness', {
      method: 'PUT',
      json: { connectionId: connection.id, campaignIds: [campaigns[0]!.id] },
    })
    expect(put.status).toBe(200)

    const run = (await (await daemon.api(`/connections/${connection.id}/sync`, { method: 'POST' })).json()) as {
      ok: boolean
      error: string | null
    }
    expect(run).toMatchObject({ ok: true, error: null })
    const people = (await (await daemon.api('/personnel')).json()) as {
      email: string
      trainings: { security_awareness: { status: string } }
    }[]
    expect(people.map((person) => [person.email, person.trainings.security_awareness.status])).toEqual([
      ['ada@example.com', 'compliant'],
      ['bob@example.com', 'non_compliant'],
    ])
  })

  it("renders in the extension's generic form logic without an extension change", () => {
    setKnownProviders([exampleDescription])
    expect(providerName('example')).toBe('Example Academy')
    expect(describeProvider('example')?.brand.mark).toBe('EA')
    expect(initialFields(exampleDescription)).toEqual({ apiKey: '' })
    expect(() => connectFields(exampleDescription, { apiKey: '  ' })).toThrow('Fill in “API key” first.')
    expect(connectFields(exampleDescription, { apiKey: ` ${fake.apiKey} ` })).toEqual({ apiKey: fake.apiKey })
  })
})
