import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { unzipSync } from 'fflate'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../cli/main.ts'
import type { Person } from '../../shared/domain.ts'
import { ADMIN_TOKEN, startTestDaemon } from '../helpers/daemon.ts'
import { startSynced, type Synced } from '../helpers/audit.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'trainproof-cli-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Runs the CLI in-process against the test daemon; answers its exit code and what it printed. */
async function cli(setup: Synced, ...argv: string[]) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: string[] = []
  const err: string[] = []
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()))
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()))
  const code = await main(argv, { stdout, stderr, env: { TRAINPROOF_URL: setup.daemon.url, TRAINPROOF_TOKEN: ADMIN_TOKEN } })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

/** Runs bin/trainproof.mjs as a real child process. */
function spawnCli(argv: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TRAINPROOF_')))
    const child = spawn(process.execPath, [join(ROOT, 'bin/trainproof.mjs'), ...argv], { env: { ...base, ...env }, cwd: scratch })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const person = async (setup: Synced, email: string) => setup.ok<Person>(setup.daemon.api(`/personnel/${email}`))

describe('trainproof CLI against a running daemon', () => {
  it('status: connections and the count of each status per training', async () => {
    const setup = await startSynced()
    const text = await cli(setup, 'status')
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(setup.connection.label)
    expect(text.stdout).toMatch(/security_awareness\s+\S+\s+2\s+2\s+2\s+0\s+0\s+none/)

    const json = await cli(setup, 'status', '--json')
    const report = JSON.parse(json.stdout) as { trainings: { id: string; counts: Record<string, number> }[] }
    expect(report.trainings.find((training) => training.id === 'security_awareness')?.counts).toEqual({
      compliant: 2,
      non_compliant: 2,
      not_enrolled: 0,
      not_configured: 0,
    })
  })

  it('sync: syncs every connection, or one, and says what changed; an unknown connection fails', async () => {
    const setup = await startSynced()
    // The wizard finishes the module of Campaign A left undone.
    const wizardA = setup.fake.tenant
      .enrollmentsOf(setup.example.campaigns.a.id)
      .find((row) => row.userId === setup.example.users.wizard.id && row.completionDate === null)!
    setup.fake.tenant.complete(wizardA, '2026-11-20T10:00:00.000Z')

    const all = await cli(setup, 'sync')
    expect(all.code).toBe(0)
    expect(all.stdout).toContain(`ok      ${setup.connection.label}`)
    expect(all.stdout).toContain('1 person became compliant, 0 people newly due.')
    expect((await person(setup, 'wizard@example.com')).trainings.security_awareness.status).toBe('compliant')

    const one = await cli(setup, 'sync', '--connection', setup.connection.id)
    expect(one.code).toBe(0)
    expect(one.stdout).toContain('0 people became compliant')

    const unknown = await cli(setup, 'sync', '--connection', 'nope')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('No connection nope')
  })

  it('reset: clears a compliant person for one training; bad arguments exit 2', async () => {
    const setup = await startSynced()
    const done = await cli(setup, 'reset', 'Astronaut@Example.com', 'security_awareness')
    expect(done.code).toBe(0)
    expect(done.stdout).toBe('astronaut@example.com: security_awareness reset, now not_enrolled.\n')
    expect((await person(setup, 'astronaut@example.com')).trainings.security_awareness.sticky).toBe(false)

    expect((await cli(setup, 'reset', 'astronaut@example.com', 'yoga')).code).toBe(2)
    expect((await cli(setup, 'reset', 'astronaut@example.com')).code).toBe(2)
    const unknown = await cli(setup, 'reset', 'nobody@example.com', 'hipaa')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('nobody@example.com')
  })

  it('evidence: writes the pack to -o, whose manifest hashes check out; bad dates exit 2', async () => {
    const setup = await startSynced()
    const file = join(scratch, 'pack.zip')
    const done = await cli(setup, 'evidence', '--from', '2026-01-01', '--to', '2026-11-30', '-o', file)
    expect(done.code).toBe(0)
    const entries = unzipSync(readFileSync(file))
    const manifest = JSON.parse(Buffer.from(entries['manifest.json']!).toString()) as { files: { path: string; sha256: string }[] }
    expect(manifest.files.length).toBeGreaterThan(4)
    for (const entry of manifest.files) expect(createHash('sha256').update(entries[entry.path]!).digest('hex')).toBe(entry.sha256)
    expect(done.stdout).toContain(`Wrote ${file}`)

    expect((await cli(setup, 'evidence', '--from', '2026-13-01', '--to', '2026-11-30', '-o', file)).code).toBe(2)
    expect((await cli(setup, 'evidence', '--from', '2026-12-01', '--to', '2026-11-30', '-o', file)).code).toBe(2)
    expect((await cli(setup, 'evidence', '--to', '2026-11-30')).code).toBe(2)
  })

  it('tokens: create prints the token once, list shows it (never the value), revoke ends it', async () => {
    const setup = await startSynced()
    const created = await cli(setup, 'tokens', 'create', '--role', 'access_reviewer', '--label', 'auditor 2026', '--expires-in-days', '30')
    expect(created.code).toBe(0)
    const token = created.stdout.trim()
    expect((await setup.daemon.api('/me', { token })).status).toBe(200)

    const listed = await cli(setup, 'tokens', 'list')
    expect(listed.code).toBe(0)
    const line = listed.stdout.split('\n').find((row) => row.includes('auditor 2026'))!
    expect(line).toContain('access_reviewer')
    expect(listed.stdout).not.toContain(token)

    const id = line.split(/\s+/)[0]!
    const revoked = await cli(setup, 'tokens', 'revoke', id)
    expect(revoked.code).toBe(0)
    expect((await setup.daemon.api('/me', { token })).status).toBe(401)
    expect((await cli(setup, 'tokens', 'create', '--role', 'wizard')).code).toBe(2)
  })

  it('runs as a real process from bin/, with the admin token from DATA_DIR/admin-token, and fails clearly without a daemon', async () => {
    const daemon = await startTestDaemon({ env: { TRAINPROOF_ADMIN_TOKEN: '' } })
    try {
      expect(existsSync(join(daemon.dataDir, 'admin-token'))).toBe(true)
      const status = await spawnCli(['status'], { TRAINPROOF_URL: daemon.url, TRAINPROOF_DATA_DIR: daemon.dataDir })
      expect(status.stderr).toBe('')
      expect(status.code).toBe(0)
      expect(status.stdout).toContain('Connections')
      expect(status.stdout).toContain('none yet')
    } finally {
      await daemon.stop()
    }
    const nobody = await spawnCli(['status'], { TRAINPROOF_URL: daemon.url, TRAINPROOF_TOKEN: 'x' })
    expect(nobody.code).toBe(1)
    expect(nobody.stderr).toContain('Cannot reach trainproof')
    const noToken = await spawnCli(['status'], { TRAINPROOF_URL: daemon.url, TRAINPROOF_DATA_DIR: scratch })
    expect(noToken.code).toBe(1)
    expect(noToken.stderr).toContain('No token')
  })
})
