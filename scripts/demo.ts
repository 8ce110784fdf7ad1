/**
 * `npm run demo`: the daemon with two sandbox tenants (faithful fakes of KnowBe4 and Huntress on
 * loopback), connected, campaigns selected and synced, so that the extension and the API show
 * compliant and due people with no account anywhere. Runs until Ctrl-C.
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../daemon/config.ts'
import { createLogger } from '../daemon/log.ts'
import { startDaemon, type Daemon } from '../daemon/server.ts'
import { startHuntressFake, type HuntressFake } from '../fakes/huntress/index.ts'
import { decideAuthorization } from '../fakes/huntress/browser.ts'
import { seedWorkedExample as seedHuntress } from '../fakes/huntress/seed.ts'
import { seedWorkedExample as seedKnowBe4, startKnowBe4Fake, type KnowBe4Fake } from '../fakes/knowbe4/index.ts'
import { TRAINING_IDS, TRAINING_NAMES, type Connection, type Person, type SyncRun, type TrainingId } from '../shared/domain.ts'
import { CHROME_EXTENSION_ID, HUNTRESS_REDIRECT_PATH } from '../extension/utils/extension-key.ts'
import { statusLabel } from '../shared/status-words.ts'
import { changesText } from '../extension/utils/format.ts'

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string', default: '7878' },
    'data-dir': { type: 'string', default: 'demo-data' },
    'no-build': { type: 'boolean', default: false },
  },
})

const ADMIN_TOKEN = `demo-admin-${Math.random().toString(36).slice(2, 14)}`
const DEMO_REDIRECT = 'http://127.0.0.1/demo-callback'

async function main(): Promise<void> {
  const dataDir = flags['data-dir'] as string
  rmSync(dataDir, { recursive: true, force: true })
  const knowbe4 = await startKnowBe4Fake()
  const kb = seedKnowBe4Tenant(knowbe4)
  const huntress = await startHuntressFake({ client: { redirectUris: [`https://${CHROME_EXTENSION_ID}.chromiumapp.org/${HUNTRESS_REDIRECT_PATH}`, DEMO_REDIRECT] } })
  const hipaa = seedHuntressTenant(huntress)

  const port = (await isFree(Number(flags.port))) ? Number(flags.port) : 0
  const config = loadConfig({
    ...process.env,
    TRAINPROOF_PORT: String(port),
    TRAINPROOF_DATA_DIR: dataDir,
    TRAINPROOF_ADMIN_TOKEN: ADMIN_TOKEN,
    TRAINPROOF_SCHEDULER: '0',
    TRAINPROOF_HUNTRESS_CLIENT_ID: huntress.client.clientId,
    TRAINPROOF_HUNTRESS_CLIENT_SECRET: huntress.client.clientSecret,
    TRAINPROOF_HUNTRESS_BASE_URL: huntress.url,
  })
  const daemon = await startDaemon(config, { log: createLogger('warn') })
  const api = client(daemon)

  const kbConnection = await api<Connection>('POST', '/connections', { provider: 'knowbe4', region: 'us', apiToken: knowbe4.token, baseUrl: knowbe4.url })
  const id = (externalId: number) => `${kbConnection.id}:${externalId}`
  await api('PUT', '/trainings/security_awareness', { connectionId: kbConnection.id, campaignIds: kb.securityAwareness.map(id) })
  await api('PUT', '/trainings/ai_awareness', { connectionId: kbConnection.id, campaignIds: [id(kb.ai)] })

  const { authorizeUrl, state } = await api<{ authorizeUrl: string; state: string }>('POST', '/connections/huntress/authorize', { redirectUri: DEMO_REDIRECT })
  const { code } = await decideAuthorization(authorizeUrl)
  const htConnection = await api<Connection>('POST', '/connections/huntress/callback', { code, state })
  await api('PUT', '/trainings/hipaa', { connectionId: htConnection.id, campaignIds: [`${htConnection.id}:${hipaa}`] })

  const runs = await api<SyncRun[]>('POST', '/sync')
  const employee = await api<{ token: string }>('POST', '/tokens', { role: 'employee', email: 'wizard@example.com' })
  const reviewer = await api<{ token: string }>('POST', '/tokens', { role: 'access_reviewer', label: 'auditor' })
  const people = await api<Person[]>('GET', '/personnel')

  if (!flags['no-build']) {
    process.stdout.write('Building the extension (Chrome MV3 and Firefox)…\n')
    execFileSync('node_modules/.bin/wxt', ['build'], { stdio: 'ignore' })
    execFileSync('node_modules/.bin/wxt', ['build', '-b', 'firefox'], { stdio: 'ignore' })
  }
  printSummary({ daemon, runs, people, employee: employee.token, reviewer: reviewer.token, knowbe4, huntress })

  const stop = async () => {
    await daemon.close()
    await Promise.all([knowbe4.close(), huntress.close()])
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
    const user = fake.tenant.addUser({ email: `${name}@example.com`, firstName: name[0]!.toUpperCase() + name.slice(1), lastName: 'Example' })
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
    `  syncs: ${input.runs.map((run) => (run.ok ? `ok (${run.changes ? changesText(run.changes) : `${run.requests} requests`})` : `failed: ${run.error}`)).join(', ')}`,
    '',
    `  admin token          ${ADMIN_TOKEN}`,
    `  access reviewer      ${input.reviewer}`,
    `  employee (wizard)    ${input.employee}`,
    '',
    `  extension: load ${join(process.cwd(), '.output/chrome-mv3')} as an unpacked extension`,
    `  (chrome://extensions, developer mode), open its options, set the daemon URL to ${daemon.url}`,
    '  and paste a token. "Connect Huntress" in the admin popup opens the sandbox approve page.',
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
