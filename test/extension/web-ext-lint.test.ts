import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT } from '../e2e/harness.ts'

type LintReport = { summary: { errors: number; warnings: number }; errors: { code: string; message: string; file?: string }[] }

/** Mozilla's own linter (the one addons.mozilla.org runs) on the Firefox build: no errors allowed. */
describe('web-ext lint on the Firefox build', { timeout: 180_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'trainproof-firefox-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('reports no errors', async () => {
    execFileSync(join(ROOT, 'node_modules/.bin/wxt'), ['build', '-b', 'firefox'], {
      cwd: ROOT,
      env: { ...process.env, TRAINPROOF_EXT_OUT_DIR: out },
      stdio: 'pipe',
    })
    const lint = await promisify(execFile)(
      join(ROOT, 'node_modules/.bin/web-ext'),
      ['lint', '--source-dir', join(out, 'firefox-mv2'), '--output', 'json', '--no-config-discovery'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }))

    const report = JSON.parse(lint.stdout) as LintReport

    expect(report.errors.map((error) => `${error.code} ${error.file ?? ''}: ${error.message}`)).toEqual([])
    expect(report.summary.errors).toBe(0)
  })
})
