import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../daemon/config.ts'

const TSX = join(process.cwd(), 'node_modules/.bin/tsx')
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainproof-start-'))
  dirs.push(dir)
  return dir
}

/** Runs `npm start`'s entry point; resolves with its output once it printed the listening line or exited. */
function start(env: Record<string, string>) {
  const child = spawn(TSX, ['daemon/main.ts'], {
    env: { ...process.env, TRAINPROOF_PORT: '0', TRAINPROOF_SCHEDULER: '0', TRAINPROOF_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const listening = new Promise<string | null>((resolve) => {
    child.stdout.on('data', () => {
      const match = /trainproof listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
      if (match) resolve(match[1] as string)
    })
    void exited.then(() => resolve(null))
  })
  return { child, exited, listening, output: () => ({ stdout, stderr }) }
}

describe('npm start', () => {
  it('prints the listening line with the real port, creates a 0600 admin token, and stops on SIGTERM with 0', async () => {
    const dataDir = tempDir()
    const daemon = start({ TRAINPROOF_DATA_DIR: dataDir })
    const url = await daemon.listening
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(Number(new URL(url!).port)).toBeGreaterThan(0)
    expect(await (await fetch(`${url}/api/v1/health`)).json()).toMatchObject({ ok: true })

    const tokenFile = join(dataDir, 'admin-token')
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600)
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    expect(daemon.output().stdout).toContain(tokenFile)
    const token = readFileSync(tokenFile, 'utf8').trim()
    const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(await me.json()).toEqual({ role: 'admin', email: null })

    daemon.child.kill('SIGTERM')
    expect(await daemon.exited).toBe(0)
  })

  it('refuses to start on a garbage db file, names the file, and leaves it untouched', async () => {
    const dataDir = tempDir()
    const file = join(dataDir, 'trainproof.json')
    writeFileSync(file, '{"version": 1, "tokens": [garbage')
    const daemon = start({ TRAINPROOF_DATA_DIR: dataDir })
    expect(await daemon.exited).toBe(1)
    expect(await daemon.listening).toBeNull()
    expect(daemon.output().stderr).toContain(file)
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "tokens": [garbage')
  })

  it('refuses a db of the wrong shape the same way', async () => {
    const dataDir = tempDir()
    const file = join(dataDir, 'trainproof.json')
    writeFileSync(file, JSON.stringify({ version: 1, tokens: 'nope' }))
    const daemon = start({ TRAINPROOF_DATA_DIR: dataDir })
    expect(await daemon.exited).toBe(1)
    expect(daemon.output().stderr).toMatch(/does not match trainproof's schema/)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, tokens: 'nope' })
  })

  it('stops on a bad configuration with a message naming every bad variable', async () => {
    const daemon = start({ TRAINPROOF_DATA_DIR: tempDir(), TRAINPROOF_PORT: 'seventy', TRAINPROOF_SYNC_AT: '25:99' })
    expect(await daemon.exited).toBe(1)
    const { stderr } = daemon.output()
    expect(stderr).toContain('TRAINPROOF_PORT')
    expect(stderr).toContain('TRAINPROOF_SYNC_AT')
  })
})

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ host: '127.0.0.1', port: 7878, adminToken: null, syncAt: '02:00' })
    expect(config.dataDir).toBe(join(process.cwd(), 'data'))
    expect(config.providers.huntress).toMatchObject({ baseUrl: 'https://mycurricula.com' })
  })

  it('ignores unrelated variables and treats empty values as unset', () => {
    expect(loadConfig({ PATH: '/bin', TRAINPROOF_PORT: '' }).port).toBe(7878)
  })
})
