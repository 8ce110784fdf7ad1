import { afterEach, expect } from 'vitest'
import { startKnowBe4Fake, type KnowBe4Fake, type KnowBe4FakeOptions } from '../../fakes/knowbe4/index.ts'

const started: KnowBe4Fake[] = []

afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.close()))
})

/** A fake closed after the test; limits far above what a test sends unless given. */
export async function start(options: KnowBe4FakeOptions = {}): Promise<KnowBe4Fake> {
  const fake = await startKnowBe4Fake({ limits: { perSecond: 10_000, perMinute: 100_000 }, ...options })
  started.push(fake)
  return fake
}

export function get(
  server: KnowBe4Fake,
  path: string,
  init: { token?: string | null; accept?: string; method?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept: init.accept ?? 'application/json' }
  const token = init.token === undefined ? server.token : init.token
  if (token !== null) headers.authorization = `Bearer ${token}`
  return fetch(server.url + path, { headers, method: init.method ?? 'GET' })
}

export async function json(server: KnowBe4Fake, path: string): Promise<any> {
  const response = await get(server, path)
  expect(response.status).toBe(200)
  return response.json()
}
