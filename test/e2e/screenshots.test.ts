import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ADMIN_TOKEN } from '../helpers/daemon.ts'
import { buildExtension, launchBrowser, POLL, ROOT, textOf } from './harness.ts'
import { connectKnowBe4, selectAndSync, startDaemon, startKnowBe4, tokenFor } from './setup.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { VirtualClock } from '../helpers/virtual-clock.ts'
import { startTestDaemon } from '../helpers/daemon.ts'
import { writeLargeDb } from './large-db.ts'

/**
 * Writes the README's screenshots into docs/. Not part of the normal run:
 * `TRAINPROOF_SCREENSHOTS=1 npx vitest run test/e2e/screenshots.test.ts`.
 */
describe.skipIf(!process.env.TRAINPROOF_SCREENSHOTS)('screenshots for the README', { timeout: 90_000 }, () => {
  it('captures the admin popup, the employee popup and the onboarding page, light and dark', async () => {
    const docs = join(ROOT, 'docs')
    mkdirSync(docs, { recursive: true })
    const build = buildExtension()
    const { fake } = await startKnowBe4()
    const daemon = await startDaemon()
    const connection = await connectKnowBe4(daemon, fake)
    await selectAndSync(daemon, connection.id, 'security_awareness', ['Campaign A', 'Campaign B'])
    const employeeToken = await tokenFor(daemon, 'employee', 'wizard@example.com')
    const shoot = async (page: Page, name: string) => page.screenshot({ path: join(docs, name), fullPage: true })
    try {
      for (const scheme of ['light', 'dark'] as const) {
        const suffix = scheme === 'dark' ? '-dark' : ''
        const browser = await launchBrowser(build.dir, { colorScheme: scheme })
        try {
          await browser.pair(daemon.url, ADMIN_TOKEN)
          const admin = await browser.open('popup.html', { width: 460, height: 300 })
          await admin.getByRole('button', { name: 'Sync now' }).click()
          await expect.poll(() => textOf(admin.getByTestId('sync-result')), POLL).toContain('synced')
          await shoot(admin, `popup-admin${suffix}.png`)
          await admin.getByRole('tab', { name: 'Trainings' }).click()
          await expect.poll(() => admin.locator('form[data-training="security_awareness"] input[type=checkbox]').count(), POLL).toBe(3)
          await shoot(admin, `popup-admin-trainings${suffix}.png`)
          await admin.getByRole('tab', { name: 'People' }).click()
          await expect.poll(() => admin.getByTestId('person').count(), POLL).toBe(4)
          await shoot(admin, `popup-admin-people${suffix}.png`)

          await browser.pair(daemon.url, employeeToken)
          const employee = await browser.open('popup.html', { width: 460, height: 200 })
          await expect.poll(() => textOf(employee.getByTestId('due-summary')), POLL).toContain('1 training is due')
          await shoot(employee, `popup-employee${suffix}.png`)
          const onboarding = await browser.open('onboarding.html', { width: 900, height: 400 })
          await expect.poll(() => textOf(onboarding.getByTestId('onboarding-title')), POLL).toContain('KnowBe4')
          await shoot(onboarding, `onboarding${suffix}.png`)
        } finally {
          await browser.close()
        }
      }
    } finally {
      await daemon.stop()
      await fake.close()
      build.cleanup()
    }
  })

  it('captures the admin console (people, compliance, retraining), light and dark', async () => {
    const docs = join(ROOT, 'docs')
    const build = buildExtension()
    const dataDir = mkdtempSync(join(tmpdir(), 'trainproof-shots-'))
    writeLargeDb(dataDir, 5_000)
    const daemon = await startTestDaemon({ dataDir, clock: new VirtualClock(Date.parse('2026-11-30T09:00:00.000Z')) })
    try {
      for (const scheme of ['light', 'dark'] as const) {
        const suffix = scheme === 'dark' ? '-dark' : ''
        const browser = await launchBrowser(build.dir, { colorScheme: scheme })
        try {
          await browser.pair(daemon.url, ADMIN_TOKEN)
          const page = await browser.open('console.html', { width: 1280, height: 760 })
          await expect.poll(() => textOf(page.getByTestId('people-count')), POLL).toBe('5,000 of 5,000 people')
          await page.screenshot({ path: join(docs, `console-people${suffix}.png`) })
          await page.getByRole('tab', { name: 'Compliance' }).click()
          await expect.poll(() => page.getByTestId('compliance-chart').locator('canvas').count(), POLL).toBe(1)
          await page.screenshot({ path: join(docs, `console-compliance${suffix}.png`) })
          await page.getByRole('tab', { name: 'Retraining' }).click()
          const form = page.locator('form[data-training="security_awareness"]')
          await form.getByRole('combobox', { name: /^Retraining/ }).selectOption('rolling')
          await form.getByRole('spinbutton', { name: 'Months' }).fill('9')
          await form.getByRole('button', { name: 'Save rule' }).click()
          await expect.poll(() => page.getByTestId('confirm-recurrence').count(), POLL).toBe(1)
          await page.screenshot({ path: join(docs, `console-retraining${suffix}.png`) })
        } finally {
          await browser.close()
        }
      }
    } finally {
      await daemon.stop()
      rmSync(dataDir, { recursive: true, force: true })
      build.cleanup()
    }
  })
})
