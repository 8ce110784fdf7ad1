/**
 * `npm run demo`: the daemon with two sandbox tenants (faithful fakes of KnowBe4 and Huntress on
 * loopback) and a sandbox identity provider, connected, campaigns selected and synced, so that
 * the extension and the API show compliant and due people, and anyone can sign in as one of them
 * with one click, with no account anywhere. Runs until Ctrl-C.
 *
 * It honours the same TRAINPROOF_* variables as `npm start`; its own defaults are the data
 * directory ./demo-data (wiped at each start, it is the demo's) and a generated admin token.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import { loadConfig } from '../daemon/config.ts'
import { createLogger } from '../daemon/log.ts'
import { startDaemon, type Daemon } from '../daemon/server.ts'
import { startHuntressFake, type HuntressFake } from '../fakes/huntress/index.ts'
import { decideAuthorization } from '../fakes/huntress/browser.ts'
import { seedWorkedExample as seedHuntress } from '../fakes/huntress/seed.ts'
import { seedWorkedExample as seedKnowBe4, startKnowBe4Fake, type KnowBe4Fake } from '../fakes/knowbe4/index.ts'
import { startIdp, type Idp } from '../fakes/idp/index.ts'
import { TRAINING_IDS, TRAINING_NAMES, type Connection, type Person, type SyncRun, type TrainingId } from '../shared/domain.ts'
import { CHROME_EXTENSION_ID, providerRedirectPath } from '../extension/utils/extension-key.ts'
import { statusLabel } from '../shared/status-words.ts'
import { changesText } from '../extension/utils/format.ts'

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
})

const env = process.env
const ADMIN_TOKEN = env.TRAINPROOF_ADMIN_TOKEN ?? `demo-admin-${randomBytes(9).toString('base64url')}`
const DEMO_REDIRECT = 'http://127.0.0.1/demo-callback'
const DEFAULT_DATA_DIR = 'demo-data'
const DEFAULT_PORT = 7878
const OIDC_CLIENT_ID = 'trainproof-demo'
/** Who can sign in at the sandbox identity provider: people of the seeded tenants, and an admin. */
const DEMO_ADMIN = 'admin@example.com'
const SIGN_IN_PEOPLE = [
  { email: 'wizard@example.com', name: 'Wizard Example (employee, training due)' },
  { email: 'astronaut@example.com', name: 'Astronaut Example (employee, all done)' },
  { email: 'ada@example.com', name: 'Ada Example (employee)' },
  { email: DEMO_ADMIN, name: 'Demo Admin (admin role granted)' },
  { email: 'auditor@example.com', name: 'Audrey Auditor (access reviewer)' },
]

/** The data directory: the demo's own is wiped at each start; one the user names must be new or empty. */
function dataDirectory(): string {
  const given = flags['data-dir'] ?? env.TRAINPROOF_DATA_DIR
  if (given === undefined) {
    rmSync(DEFAULT_DATA_DIR, { recursive: true, force: true })
    return DEFAULT_DATA_DIR
  }
  if (existsSync(given) && readdirSync(given).length > 0) {
    throw new Error(
      `${given} is not empty. The demo seeds a fresh daemon: name a new or empty directory, or leave TRAINPROOF_DATA_DIR unset to use ./${DEFAULT_DATA_DIR}.`,
    )
  }
  return given
}

/** TRAINPROOF_PORT as given (0 = any free port); by default 7878, or a free one when 7878 is taken. */
async function demoPort(): Promise<string> {
  const given = flags.port ?? env.TRAINPROOF_PORT
  if (given !== undefined) return given
  return (await isFree(DEFAULT_PORT)) ? String(DEFAULT_PORT) : '0'
}

async function main(): Promise<void> {
  // As `npm start` does: every file the daemon writes is private to its user.
  process.umask(0o077)
  const dataDir = dataDirectory()
  const knowbe4 = await startKnowBe4Fake()
  const kb = seedKnowBe4Tenant(knowbe4)
  const huntress = await startHuntressFake({
    client: { redirectUris: [`https://${CHROME_EXTENSION_ID}.chromiumapp.org/${providerRedirectPath('huntress')}`, DEMO_REDIRECT] },
  })
  const hipaa = seedHuntressTenant(huntress)
  const idp = await startIdp({ users: SIGN_IN_PEOPLE, clients: [{ clientId: OIDC_CLIENT_ID, redirectUris: 'any-extension' }] })

  const config = loadConfig({
    TRAINPROOF_SCHEDULER: '0',
    TRAINPROOF_HUNTRESS_CLIENT_ID: huntress.client.clientId,
    TRAINPROOF_HUNTRESS_CLIENT_SECRET: huntress.client.clientSecret,
    TRAINPROOF_HUNTRESS_BASE_URL: huntress.url,
    TRAINPROOF_OIDC_ISSUER: idp.issuer,
    TRAINPROOF_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
    ...env,
    TRAINPROOF_PORT: await demoPort(),
    TRAINPROOF_DATA_DIR: dataDir,
    TRAINPROOF_ADMIN_TOKEN: ADMIN_TOKEN,
  })
  const daemon = await startDaemon(config, { log: createLogger(env.TRAINPROOF_LOG_LEVEL ? config.logLevel : 'warn') })
  process.stdout.write(`trainproof listening on ${daemon.url}\n`)
  const api = client(daemon)

  const kbConnection = await api<Connection>('POST', '/connections', {
    provider: 'knowbe4',
    region: 'us',
    apiToken: knowbe4.token,
    baseUrl: knowbe4.url,
  })
  const id = (externalId: number) => `${kbConnection.id}:${externalId}`
  await api('PUT', '/trainings/security_awareness', { connectionId: kbConnection.id, campaignIds: kb.securityAwareness.map(id) })
  await api('PUT', '/trainings/ai_awareness', { connectionId: kbConnection.id, campaignIds: [id(kb.ai)] })

  const { authorizeUrl, state } = await api<{ authorizeUrl: string; state: string }>('POST', '/connections/huntress/authorize', {
    redirectUri: DEMO_REDIRECT,
  })
  const { code } = await decideAuthorization(authorizeUrl)
  const htConnection = await api<Connection>('POST', '/connections/huntress/callback', { code, state })
  await api('PUT', '/trainings/hipaa', { connectionId: htConnection.id, campaignIds: [`${htConnection.id}:${hipaa}`] })

  const runs = await api<SyncRun[]>('POST', '/sync')
  const employee = await api<{ token: string }>('POST', '/tokens', { role: 'employee', email: 'wizard@example.com' })
  const reviewer = await api<{ token: string }>('POST', '/tokens', { role: 'access_reviewer', label: 'auditor' })
  await api('PUT', `/grants/${DEMO_ADMIN}`, { role: 'admin' })
  await api('PUT', '/grants/auditor@example.com', { role: 'access_reviewer' })
  const people = await api<Person[]>('GET', '/personnel')

  if (!flags['no-build']) {
    process.stdout.write('Building the extension (Chrome MV3 and Firefox)…\n')
    execFileSync('node_modules/.bin/wxt', ['build'], { stdio: 'ignore' })
    execFileSync('node_modules/.bin/wxt', ['build', '-b', 'firefox'], { stdio: 'ignore' })
  }
  printSummary({ daemon, runs, people, employee: employee.token, reviewer: reviewer.token, knowbe4, huntress, idp })

  const stop = async () => {
    await daemon.close()
    await Promise.all([knowbe4.close(), huntress.close(), idp.close()])
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

/** The worked example, an AI-awareness campaign, and a dozen more people with mixed progress. */
function seedKnowBe4Tenant(fake: KnowBe4Fake) {
  const example = seedKnowBe4(fake)
  fake.tenant.account = { ...fake.tenant.account, name: 'Demo Corp (KnowBe4 sandbox)' }
  const ai = fake.tenant.addCampaign({ name: 'AI at Work 2026', status: 'In Progress', modules: ['Using AI Assistants Safely'] })
  const names = ['ada', 'grace', 'linus', 'margaret', 'alan', 'barbara', 'ken', 'radia', 'tim', 'frances', 'edsger', 'hedy']
  names.forEach((name, index) => {
    const user = fake.tenant.addUser({
      email: `${name}@example.com`,
      firstName: name[0]!.toUpperCase() + name.slice(1),
      lastName: 'Example',
    })
    const day = String(1 + (index % 27)).padStart(2, '0')
    const done = index % 3 !== 2 ? `2026-0${1 + (index % 9)}-${day}T10:00:00.000Z` : undefined
    fake.tenant.enroll({ campaign: example.campaigns.a, user, completedAt: done })
    if (index % 4 !== 3) fake.tenant.enroll({ campaign: example.campaigns.b, user, completedAt: index % 2 ? done : undefined })
    if (index % 2 === 0) fake.tenant.enroll({ campaign: ai, user, completedAt: index % 4 === 0 ? done : undefined })
  })
  for (const person of Object.values(example.users)) fake.tenant.enroll({ campaign: ai, user: person })
  return { securityAwareness: example.selected.map((campaign) => campaign.id), ai: ai.id }
}

/** A HIPAA assignment for the same people, some done. */
function seedHuntressTenant(fake: HuntressFake): string {
  const example = seedHuntress(fake)
  const hipaa = fake.tenant.addAssignment(example.account.id, { name: 'HIPAA Privacy and Security 2026', status: 'in-progress' })
  Object.values(example.learners).forEach((learner, index) => {
    if (index % 2 === 0) fake.tenant.complete(hipaa.id, learner.id, `2026-04-0${index + 1}T09:00:00.000Z`)
    else fake.tenant.enroll(hipaa.id, learner.id)
  })
  return hipaa.id
}

function client(daemon: Daemon) {
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${daemon.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`)
    return (await res.json()) as T
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => probe.close(() => resolve(true)))
      .listen(port, '127.0.0.1')
  })
}

/** The same words as the extension shows (shared/status-words.ts). */
function cell(person: Person, training: TrainingId): string {
  const status = person.trainings[training]
  const progress = status.required > 0 ? ` ${status.completed}/${status.required}` : ''
  return `${statusLabel(status)}${progress}`
}

function printSummary(input: {
  daemon: Daemon
  runs: { ok: boolean; requests: number; error: string | null; changes?: { newlyCompliant: number; newlyDue: number } }[]
  people: Person[]
  employee: string
  reviewer: string
  knowbe4: KnowBe4Fake
  huntress: HuntressFake
  idp: Idp
}): void {
  const { daemon, people } = input
  const rows = people.map((person) => [person.email, ...TRAINING_IDS.map((training) => cell(person, training))])
  const header = ['person', ...TRAINING_IDS.map((training) => TRAINING_NAMES[training])]
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (row: string[]) => row.map((value, column) => value.padEnd(widths[column] ?? 0)).join('  ')
  const out = [
    '',
    `trainproof demo is running at ${daemon.url}  (Ctrl-C stops it)`,
    `  sandbox KnowBe4 at ${input.knowbe4.url}, sandbox Huntress at ${input.huntress.url}`,
    `  sandbox identity provider at ${input.idp.issuer} (one click signs in as: ${SIGN_IN_PEOPLE.map((person) => person.email).join(', ')})`,
    `  syncs: ${input.runs.map((run) => (run.ok ? `ok (${run.changes ? changesText(run.changes) : `${run.requests} requests`})` : `failed: ${run.error}`)).join(', ')}`,
    '',
    `  admin token          ${ADMIN_TOKEN}`,
    `  access reviewer      ${input.reviewer}`,
    `  employee (wizard)    ${input.employee}`,
    '',
    `  extension: load ${join(process.cwd(), '.output/chrome-mv3')} as an unpacked extension`,
    `  (chrome://extensions, developer mode); in its options set the daemon address to ${daemon.url}`,
    '  if it is not that already, press "Sign in with your company account" and pick a person',
    `  (${DEMO_ADMIN} gets the admin screens). Pasting a token below works too.`,
    '  "Connect Huntress" in the admin popup opens the sandbox approve page.',
    `  API: curl -H "Authorization: Bearer ${ADMIN_TOKEN}" ${daemon.url}/api/v1/personnel`,
    '',
    line(header),
    ...rows.map(line),
    '',
  ]
  process.stdout.write(out.join('\n'))
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`)
  process.exit(1)
})
