import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../daemon/config.ts'
import { createLogger } from '../../daemon/log.ts'
import { startDaemon } from '../../daemon/server.ts'
import { readStoreFiles } from '../../daemon/store/store.ts'
import { seedWorkedExample, startKnowBe4Fake, type KnowBe4Fake } from '../../fakes/knowbe4/index.ts'
import { ADMIN, connectKnowBe4, selectAll, startSecurityDaemon, sync } from './harness.ts'

/**
 * A db that is corrupt, truncated or of the wrong shape stops the daemon with a message naming
 * the file and the newest backup that is itself valid; the file is left exactly as it was.
 */

const DB = 'trainproof.json'
let fake: KnowBe4Fake
let golden: string
const dirs: string[] = []

const copy = () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainproof-corrupt-'))
  cpSync(golden, dir, { recursive: true })
  dirs.push(dir)
  return dir
}
const read = (dir: string, file = DB) => readFileSync(join(dir, file), 'utf8')
/** The committed db of a data folder or of a backup (a folder of the store's files). */
const load = (dir: string) => readStoreFiles(join(dir, DB))
const peopleFile = (dir: string) => readdirSync(dir).find((name) => /^trainproof\.people\.\d+\.jsonl$/.test(name))!

async function startIn(dir: string): Promise<string | null> {
  try {
    const config = loadConfig({ TRAINPROOF_PORT: '0', TRAINPROOF_DATA_DIR: dir, TRAINPROOF_ADMIN_TOKEN: ADMIN, TRAINPROOF_SCHEDULER: '0' })
    const daemon = await startDaemon(config, { log: createLogger('silent') })
    await daemon.close()
    return null
  } catch (error) {
    return (error as Error).message
  }
}

beforeAll(async () => {
  fake = await startKnowBe4Fake({ limits: { perSecond: 1e6, perMinute: 1e6 } })
  const example = seedWorkedExample(fake)
  golden = mkdtempSync(join(tmpdir(), 'trainproof-golden-'))
  const d = await startSecurityDaemon({ dataDir: golden })
  const { id } = await connectKnowBe4(d, fake)
  await selectAll(d, id)
  // Five syncs, each after a change at the provider: five different db states.
  const open = fake.tenant.enrollmentsOf(example.campaigns.a.id).filter((row) => row.completionDate === null)
  for (let n = 0; n < 5; n++) {
    if (open[n]) fake.tenant.complete(open[n]!.id)
    expect((await sync(d, id)).ok).toBe(true)
  }
  await d.daemon.close()
})
afterAll(async () => {
  await fake.close()
  for (const dir of [golden, ...dirs]) rmSync(dir, { recursive: true, force: true })
})

describe('rotating backups', () => {
  it('keeps three, newest first: each is the db as it was before one of the last syncs', async () => {
    const runs = async (dir: string) => (await load(dir)).syncRuns.length
    const now = await runs(golden)

    expect(existsSync(join(golden, `${DB}.bak4`))).toBe(false)
    expect(await Promise.all([1, 2, 3].map((n) => runs(join(golden, `${DB}.bak${n}`))))).toEqual([now - 1, now - 2, now - 3])
  })
})

describe('a damaged db', () => {
  it('truncated: npm start refuses with exit 1, names the file and the newest good backup, and keeps the file', async () => {
    const dir = copy()
    const truncated = read(dir).slice(0, Math.floor(read(dir).length / 2))
    writeFileSync(join(dir, DB), truncated)

    const child = spawn(process.execPath, ['--import', 'tsx', 'daemon/main.ts'], {
      env: { ...process.env, TRAINPROOF_DATA_DIR: dir, TRAINPROOF_PORT: '0', TRAINPROOF_SCHEDULER: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const code = await new Promise((resolve) => child.on('exit', resolve))

    expect(code).toBe(1)
    expect(stderr).toContain(`The database file ${join(dir, DB)} is not valid JSON (corrupt or truncated). trainproof left it untouched.`)
    expect(stderr).toContain(`The newest good backup is ${join(dir, `${DB}.bak1`)}`)
    expect(stderr).toContain(`to restore it, stop trainproof and copy the files in it into ${dir}`)
    expect(stderr).not.toMatch(/at .*\.ts:\d+/) // no stack
    expect(read(dir)).toBe(truncated)
  })

  it.each([
    ['empty', ''],
    ['binary garbage', '\u0000\u00ff\u0013garbage'],
    ['valid JSON of the wrong shape', JSON.stringify({ version: 1, tokens: 'nope' })],
    ['a record with an unknown status (people file)', null],
  ])('%s: refused, named, kept', async (_case, content) => {
    const dir = copy()
    // The status is the first field of a record row (codec.ts), 9 = none: the first record inline
    // in a person row [email, name, seenBy, r₀, r₁, r₂, …] (rᵢ = -1, a shared record's index or a row).
    const file = content === null ? peopleFile(dir) : DB
    const text = content ?? read(dir, file).replace(/(\["[^"]*","[^"]*",\d+,(?:-?\d+,)*)\[\d+,/, '$1[9,')
    expect(text).not.toBe(read(dir, file))
    writeFileSync(join(dir, file), text)

    const message = await startIn(dir)

    expect(message).toContain(join(dir, file))
    expect(message).toMatch(/not valid JSON|does not match trainproof's schema/)
    expect(message).toContain(`newest good backup is ${join(dir, `${DB}.bak1`)}`)
    expect(read(dir, file)).toBe(text)
  })

  it('skips a backup that is damaged too and names the next good one', async () => {
    const dir = copy()
    writeFileSync(join(dir, DB), '{')
    writeFileSync(join(dir, `${DB}.bak1`, DB), '{"version": 2')

    const message = await startIn(dir)

    expect(message).toContain(`newest good backup is ${join(dir, `${DB}.bak2`)}`)
  })

  it('says so when no backup is good', async () => {
    const dir = copy()
    for (const file of [DB, `${DB}.bak1/${DB}`, `${DB}.bak2/${DB}`, `${DB}.bak3/${DB}`]) writeFileSync(join(dir, file), 'x')

    expect(await startIn(dir)).toMatch(/No good backup was found beside it\./)
  })

  it('following the advice (copy the backup’s files into the data folder) starts the daemon with the backup’s data', async () => {
    const dir = copy()
    writeFileSync(join(dir, DB), '{"truncated":')
    cpSync(join(dir, `${DB}.bak1`), dir, { recursive: true })

    expect(await startIn(dir)).toBeNull()
    const restored = await load(dir)
    const backup = await load(join(golden, `${DB}.bak1`))
    expect(restored.people).toEqual(backup.people)
    expect(restored.syncRuns).toEqual(backup.syncRuns)
    expect(restored.audit).toEqual(backup.audit)
  })
})
