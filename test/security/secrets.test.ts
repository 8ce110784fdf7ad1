import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../daemon/log.ts'
import { Vault } from '../../daemon/secrets/vault.ts'
import { startHuntressFake, type HuntressFake } from '../../fakes/huntress/index.ts'
import { seedWorkedExample as seedHuntress } from '../../fakes/huntress/seed.ts'
import { seedWorkedExample as seedKnowBe4, startKnowBe4Fake, type KnowBe4Fake } from '../../fakes/knowbe4/index.ts'
import { VirtualClock } from '../helpers/virtual-clock.ts'
import {
  ADMIN,
  connectHuntress,
  connectKnowBe4,
  huntressLimit,
  kb4Limits,
  leakSurfaces,
  PACED,
  REDIRECT_URI,
  selectAll,
  startSecurityDaemon,
  type SecurityDaemon,
} from './harness.ts'

const KB4_TOKEN = 'kb4-live-token-SEALME-5f0c2a9e71d4'
const WRONG_TOKEN = 'kb4-wrong-token-NEVERLOG-8b1e44'
const BODY_TOKEN = 'kb4-bad-body-token-NOECHO-77aa01'

let kb4: KnowBe4Fake
let hun: HuntressFake
let d: SecurityDaemon
const issued: string[] = []
const ids = { knowbe4: '', huntress: '' }

/** Everything a provider or the daemon handed out that must stay secret. */
const providerSecrets = () => [
  KB4_TOKEN,
  WRONG_TOKEN,
  BODY_TOKEN,
  hun.client.clientSecret,
  ...hun.oauth.accessTokens.keys(),
  ...hun.oauth.refreshTokens.keys(),
]

beforeAll(async () => {
  const clock = new VirtualClock()
  kb4 = await startKnowBe4Fake({ tokens: [KB4_TOKEN], limits: kb4Limits, now: clock.now })
  seedKnowBe4(kb4)
  hun = await startHuntressFake({ rateLimit: huntressLimit(clock) })
  hun.addRedirectUri(hun.client.clientId, REDIRECT_URI)
  seedHuntress(hun)
  d = await startSecurityDaemon({
    env: {
      TRAINPROOF_LOG_LEVEL: 'debug',
      TRAINPROOF_HUNTRESS_CLIENT_ID: hun.client.clientId,
      TRAINPROOF_HUNTRESS_CLIENT_SECRET: hun.client.clientSecret,
      TRAINPROOF_HUNTRESS_BASE_URL: hun.url,
    },
    tuning: PACED,
    clock,
  })
  ids.knowbe4 = (await connectKnowBe4(d, kb4)).id
  ids.huntress = (await connectHuntress(d)).id
  await selectAll(d, ids.knowbe4)
  await selectAll(d, ids.huntress, 'hipaa')
  expect((await d.api('/sync', { method: 'POST' })).body.map((run: { ok: boolean }) => run.ok)).toEqual([true, true])
  // A refused access token mid-sync: the daemon renews, and the rotated pair is sealed again.
  hun.expireAccessTokens()
  expect((await d.api(`/connections/${ids.huntress}/sync`, { method: 'POST' })).body.ok).toBe(true)
  // The paths where secrets usually leak: a rejected token, a refused body, a provider failure.
  expect(
    (await d.api('/connections', { method: 'POST', json: { provider: 'knowbe4', region: 'us', apiToken: WRONG_TOKEN, baseUrl: kb4.url } }))
      .status,
  ).toBe(422)
  expect(
    (await d.api('/connections', { method: 'POST', json: { provider: 'knowbe4', region: 'zz', apiToken: BODY_TOKEN, extra: BODY_TOKEN } }))
      .status,
  ).toBe(400)
  kb4.inject({ kind: 'status', status: 500 }, { times: 10 })
  expect((await d.api(`/connections/${ids.knowbe4}/sync`, { method: 'POST' })).body.ok).toBe(false)
  hun.inject({ kind: 'malformed_json' }, { path: /learners$/ })
  expect((await d.api(`/connections/${ids.huntress}/sync`, { method: 'POST' })).body.ok).toBe(false)
  for (const role of ['admin', 'access_reviewer', 'employee']) {
    const answer = await d.api('/tokens', { method: 'POST', json: { role, email: role === 'employee' ? 'wizard@example.com' : undefined } })
    issued.push(answer.body.token)
  }
})
afterAll(async () => {
  await d.stop()
  await kb4.close()
  await hun.close()
})

describe('provider credentials at rest', () => {
  it('are sealed with AES-256-GCM, open only with the key file and their own connection id', async () => {
    const vault = await Vault.open(d.dataDir)
    const byId = (id: string) => d.db().connections.find((item) => item.id === id)!
    const [knowbe4, huntress] = [byId(ids.knowbe4), byId(ids.huntress)]

    expect(knowbe4.sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/)
    expect(vault.open(knowbe4.sealed, knowbe4.id)).toEqual({ apiToken: KB4_TOKEN })
    expect(hun.oauth.liveRefreshTokens()).toContain((vault.open(huntress.sealed, huntress.id) as { refreshToken: string }).refreshToken)
    expect(() => vault.open(knowbe4.sealed, huntress.id)).toThrow(/could not be opened/)
    expect(() => Vault.ephemeral().open(knowbe4.sealed, knowbe4.id)).toThrow(/could not be opened/)
    expect(JSON.stringify(knowbe4.settings)).not.toContain(KB4_TOKEN)
  })

  it('keep the key out of the db: a copied db file alone reveals nothing', () => {
    const key = readFileSync(join(d.dataDir, 'secret.key'), 'utf8').trim()

    expect(Buffer.from(key, 'base64')).toHaveLength(32)
    expect(d.dbFile()).not.toContain(key)
  })
})

describe('secrets never leave the daemon', () => {
  it('the debug log captured the whole run (so the search below means something)', () => {
    expect(d.logs.length).toBeGreaterThan(3)
    expect(d.logs.join('')).toMatch(/sync failed/)
  })

  it.each(['dbFiles', 'logs', 'answers', 'audit', 'connections', 'syncRuns'])('no provider secret in %s', (where) => {
    const text = leakSurfaces(d)[where]!
    const secrets = providerSecrets()

    expect(secrets.length).toBeGreaterThanOrEqual(6)
    expect(secrets.filter((secret) => text.includes(secret))).toEqual([])
  })

  it.each(['dbFiles', 'logs', 'audit'])('no bearer token (admin or issued) in %s', (where) => {
    const text = leakSurfaces(d)[where]!

    expect([ADMIN, ...issued].filter((token) => text.includes(token))).toEqual([])
  })

  it('the error answers of a refused body name fields, not values', () => {
    const refused = d.answers.find((text) => text.includes('invalid_request'))!

    expect(refused).toMatch(/region/)
    expect(refused).not.toContain(BODY_TOKEN)
  })

  it('the logger redacts secret-looking keys at any depth', () => {
    const lines: string[] = []
    const log = createLogger('debug', (line) => void lines.push(line))

    log.info('x', { apiToken: 'A1', nested: [{ refresh_token: 'B2', client_secret: 'C3' }], headers: { Authorization: 'Bearer D4' } })

    expect(lines.join('')).not.toMatch(/A1|B2|C3|D4/)
    expect(lines.join('')).toContain('[redacted]')
  })
})

describe('bearer tokens', () => {
  it('are stored as SHA-256 digests only', () => {
    const stored = [...d.db().tokens.values()]
    const digest = (token: string) => createHash('sha256').update(token).digest('hex')

    for (const token of issued) expect(stored.filter((item) => item.hash === digest(token))).toHaveLength(1)
    expect(stored.every((item) => /^[0-9a-f]{64}$/.test(item.hash))).toBe(true)
  })

  it('a near miss (one character off) is refused like any unknown token', async () => {
    const token = issued[0]!
    const near = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')

    expect((await d.api('/me', { token })).status).toBe(200)
    expect((await d.api('/me', { token: near })).status).toBe(401)
  })

  // Constant-time comparison of digests: see token-compare.test.ts (behaviour, not the source text).
})

describe('npm start keeps its data private', () => {
  it('data dir 0700; the db and the key file 0600 (backups: see crash.test.ts)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trainproof-modes-'))
    const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), ['daemon/main.ts'], {
      env: {
        ...process.env,
        TRAINPROOF_DATA_DIR: dataDir,
        TRAINPROOF_PORT: '0',
        TRAINPROOF_SCHEDULER: '0',
        TRAINPROOF_LOG_LEVEL: 'silent',
        TRAINPROOF_ADMIN_TOKEN: ADMIN,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk) => {
        out += chunk
        const match = /listening on (\S+)/.exec(out)
        if (match) resolve(match[1]!)
      })
      child.on('exit', () => reject(new Error('the daemon exited')))
    })
    await fetch(`${url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: '{"role":"access_reviewer"}',
    })
    child.kill('SIGTERM')
    await new Promise((resolve) => child.on('exit', resolve))

    const modes = Object.fromEntries(readdirSync(dataDir).map((file) => [file, (statSync(join(dataDir, file)).mode & 0o777).toString(8)]))
    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700')
    // The key, the configuration, the tokens (one generation's journal) and the audit log: all 0600.
    expect(
      Object.keys(modes)
        .sort()
        .map((file) => file.replace(/\.\d+\./, '.N.')),
    ).toEqual(['secret.key', 'trainproof.audit.jsonl', 'trainproof.json', 'trainproof.tokens-journal.N.jsonl'])
    expect(new Set(Object.values(modes))).toEqual(new Set(['600']))
    rmSync(dataDir, { recursive: true, force: true })
  })
})
