import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')

type Run = { output: () => string; exited: Promise<number | null>; stop: () => Promise<number | null> }

function runDemo(env: Record<string, string>): Run {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/demo.ts', '--no-build'], {
    cwd: ROOT,
    env: { ...process.env, TRAINPROOF_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    output: () => output,
    exited,
    stop: () => {
      child.kill('SIGTERM')
      return exited
    },
  }
}

describe('npm run demo', { timeout: 90_000 }, () => {
  const dirs: string[] = []
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainproof-demo-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('honours TRAINPROOF_PORT and TRAINPROOF_DATA_DIR, prints the listening line, writes private files and offers company sign-in', async () => {
    const dataDir = join(tempDir(), 'data')
    const demo = runDemo({ TRAINPROOF_PORT: '0', TRAINPROOF_DATA_DIR: dataDir })
    try {
      await expect.poll(() => demo.output(), { timeout: 60_000, interval: 200 }).toMatch(/trainproof demo is running/)
      const url = /^trainproof listening on (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(demo.output())
      expect(url?.[2]).not.toBe('7878')

      const methods = (await (await fetch(`${url![1]}/api/v1/auth/methods`)).json()) as { oidc: { issuer: string } | null }

      expect(methods.oidc?.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+/)
      const files = readdirSync(dataDir).filter((name) => statSync(join(dataDir, name)).isFile())
      expect(files.length).toBeGreaterThan(0)
      for (const name of files) expect([name, statSync(join(dataDir, name)).mode & 0o777]).toEqual([name, 0o600])
    } finally {
      expect(await demo.stop()).toBe(0)
    }
  })

  it('refuses a data directory the user named that already holds something, and leaves it alone', async () => {
    const dataDir = tempDir()
    writeFileSync(join(dataDir, 'keep.txt'), 'mine')
    const demo = runDemo({ TRAINPROOF_PORT: '0', TRAINPROOF_DATA_DIR: dataDir })

    const code = await demo.exited

    expect(code).toBe(1)
    expect(demo.output()).toContain('is not empty')
    expect(readdirSync(dataDir)).toEqual(['keep.txt'])
  })
})
