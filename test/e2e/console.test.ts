import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VirtualClock } from '../helpers/virtual-clock.ts'
import { ADMIN_TOKEN, startTestDaemon, type TestDaemon } from '../helpers/daemon.ts'
import { buildExtension, launchBrowser, textOf, type Browser } from './harness.ts'
import { writeLargeDb } from './large-db.ts'
import { json } from './setup.ts'

const PEOPLE = 100_000
/** The daemon's clock: the people became compliant on days of January–October 2026. */
const NOW = '2026-11-30T09:00:00.000Z'
/** Loading 100,000 people page by page takes a while on a shared 2-core machine; polls end as soon as they pass. */
const SLOW = { timeout: 45_000, interval: 200 }
const timings: Record<string, number> = {}
let cleanup = () => undefined as void

async function timed<T>(label: string, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now()
  try {
    return await work()
  } finally {
    timings[label] = Math.round(performance.now() - started)
  }
}

/**
 * The console against a daemon holding 100,000 people: the db file is written before the daemon
 * starts (see large-db.ts; a real sync of that many takes ~40 s here), then everything goes
 * through the daemon's API and the built extension in Chromium.
 */
describe('admin console with 100,000 people', { timeout: 90_000 }, () => {
  let build: ReturnType<typeof buildExtension>
  let daemon: TestDaemon
  let browser: Browser
  let page: Page
  let compliant = 0

  beforeAll(async () => {
    build = await timed('build', () => buildExtension())
    const dataDir = mkdtempSync(join(tmpdir(), 'trainproof-console-'))
    ;({ compliant } = await timed('write-db', () => writeLargeDb(dataDir, PEOPLE)))
    daemon = await timed('daemon-start', () => startTestDaemon({ dataDir, clock: new VirtualClock(Date.parse(NOW)) }))
    cleanup = () => rmSync(dataDir, { recursive: true, force: true })
    browser = await launchBrowser(build.dir)
  }, 90_000)

  afterAll(async () => {
    console.info('console e2e timings (ms):', JSON.stringify(timings))
    await browser?.close()
    await daemon?.stop()
    cleanup()
    build?.cleanup()
  })

  it('lists all 100,000 people, drawing only the rows in view, and filters them', async () => {
    await browser.pair(daemon.url, ADMIN_TOKEN)
    page = await browser.open('console.html', { width: 1280, height: 900 })
    const count = page.getByTestId('people-count')
    await timed('load-all', () =>
      expect.poll(() => textOf(count), SLOW).toBe(`${PEOPLE.toLocaleString('en-GB')} of ${PEOPLE.toLocaleString('en-GB')} people`),
    )
    const drawn = await page.getByTestId('console-person').count()
    expect(drawn).toBeGreaterThan(10)
    expect(drawn).toBeLessThan(100)
    expect(await page.getByRole('table', { name: 'People' }).getAttribute('aria-rowcount')).toBe(String(PEOPLE + 1))

    // Scrolling to the end draws the last person (rows arrive ordered by e-mail).
    await page.getByTestId('people-scroller').evaluate((element) => element.scrollTo(0, element.scrollHeight))
    await expect.poll(() => page.locator('[data-email="user100000@example.org"]').count(), SLOW).toBe(1)

    await timed('search', async () => {
      await page.getByRole('searchbox', { name: 'Search' }).fill('user099990')
      await expect.poll(() => textOf(count), SLOW).toBe(`1 of ${PEOPLE.toLocaleString('en-GB')} people`)
    })
    expect(await page.getByTestId('console-person').getAttribute('data-email')).toBe('user099990@example.org')

    // The status filter finds exactly the compliant people the db holds.
    await page.getByRole('searchbox', { name: 'Search' }).fill('')
    await page.getByLabel('Status').selectOption('compliant')
    expect(compliant).toBeGreaterThan(PEOPLE / 2)
    await expect.poll(() => textOf(count), SLOW).toBe(`${compliant.toLocaleString('en-GB')} of ${PEOPLE.toLocaleString('en-GB')} people`)
    const statuses = await page
      .locator('[data-testid="console-person"] [data-training="security_awareness"] .pill')
      .evaluateAll((pills) => pills.map((pill) => pill.getAttribute('data-status')))
    expect(new Set(statuses)).toEqual(new Set(['compliant']))

    // Sorting by the training's status puts people who have not started first.
    await page.getByLabel('Status').selectOption('')
    await page
      .getByRole('columnheader', { name: /Security Awareness/ })
      .getByRole('button')
      .click()
    await expect
      .poll(() => page.locator('[data-testid="console-person"]').first().locator('.pill').getAttribute('data-status'), SLOW)
      .toBe('non_compliant')
    expect(await textOf(page.locator('[data-testid="console-person"]').first().locator('.pill'))).toBe('Not started')
  })

  it('draws compliance over time as a chart', async () => {
    await page.getByRole('tab', { name: 'Compliance' }).click()
    const chart = page.getByTestId('compliance-chart')
    await expect.poll(() => chart.locator('canvas').count(), SLOW).toBe(1)
    // One line per configured training, and the summary agrees with the daemon.
    await expect
      .poll(() => textOf(page.locator('table.summary tr[data-training="security_awareness"]')), SLOW)
      .toMatch(/Security Awareness\s+[\d,]+\s+100,000\s+[\d.]+ %/)
    const painted = await chart.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
      let inked = 0
      for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) inked++
      return inked
    })
    expect(painted).toBeGreaterThan(500)
    expect(await textOf(page.locator('table.summary tr[data-training="security_awareness"]'))).toContain(compliant.toLocaleString('en-GB'))
  })

  it('downloads an evidence pack for a date range', async (context) => {
    await page.getByRole('tab', { name: 'Evidence' }).click()
    // A window before anyone here became compliant: the pack then holds no certificate. (A pack with
    // 70,000 certificates takes the daemon tens of minutes; that is the evidence pack's concern, not the console's.)
    await page.getByLabel('From').fill('2025-01-01')
    await page.getByLabel('To (inclusive)').fill('2025-12-31')
    const request = page.waitForRequest((sent) => sent.url().includes('/api/v1/evidence?'))
    const download = page.waitForEvent('download', { timeout: SLOW.timeout })
    download.catch(() => undefined)
    await page.getByRole('button', { name: 'Download evidence pack' }).click()
    const sent = await request
    expect(Object.fromEntries(new URL(sent.url()).searchParams)).toEqual({ from: '2025-01-01', to: '2025-12-31' })
    const answer = await sent.response()
    if (answer?.status() === 404) {
      // A daemon without GET /evidence yet: the console says so in a sentence; the zip can't be checked.
      await expect.poll(() => textOf(page.getByTestId('evidence-result')), SLOW).toMatch(/^[A-Z].*\.$/)
      context.skip('this daemon has no GET /evidence yet')
    }
    const file = await (await download).path()
    const zip = readFileSync(file)
    expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
    expect(zip.includes('manifest.json')).toBe(true)
    expect(zip.includes('people.csv')).toBe(true)
    await expect.poll(() => textOf(page.getByTestId('evidence-result')), SLOW).toMatch(/^Downloaded .+\.zip/)
  })

  it('previews a retraining rule and asks before saving one that resets people at once (Cancel focused)', async () => {
    await page.getByRole('tab', { name: 'Retraining' }).click()
    const form = page.locator('form[data-training="security_awareness"]')
    await form.getByRole('combobox', { name: /^Retraining/ }).selectOption('rolling')
    await form.getByRole('spinbutton', { name: 'Months' }).fill('6')
    await form.getByRole('button', { name: 'Save rule' }).click()

    // Compliant before 30 May 2026 → due at once under "6 months after".
    const preview = await json<{ resets: { email: string; at: string }[] }>(
      daemon.api('/trainings/security_awareness/recurrence/preview', {
        method: 'POST',
        json: { recurrence: { kind: 'rolling', months: 6 } },
      }),
    )
    const atOnce = preview.resets.filter((reset) => reset.at === NOW).length
    expect(atOnce).toBeGreaterThan(0)
    const dialog = page.getByTestId('confirm-recurrence')
    await expect
      .poll(() => textOf(dialog), SLOW)
      .toContain(`This rule resets ${atOnce.toLocaleString('en-GB')} people of Security Awareness as soon as it is saved`)
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()), SLOW).toBe('Cancel')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    const security = async () =>
      (await json<{ id: string; recurrence?: object; graceDays?: number }[]>(daemon.api('/trainings'))).find(
        (item) => item.id === 'security_awareness',
      )!
    expect((await security()).recurrence ?? { kind: 'none' }).toMatchObject({ kind: 'none' })

    await form.getByRole('button', { name: 'Save rule' }).click()
    await dialog.getByRole('button', { name: 'Save and reset them' }).click()
    await expect
      .poll(() => textOf(page.getByTestId('recurrence-result')), SLOW)
      .toContain('Saved the retraining rule of Security Awareness')
    expect(await security()).toMatchObject({ id: 'security_awareness', recurrence: { kind: 'rolling', months: 6 }, graceDays: 30 })
  })

  it('shows the audit log newest first, a page at a time', async () => {
    await page.getByRole('tab', { name: 'Audit log' }).click()
    const events = page.getByTestId('audit-event')
    await expect.poll(() => events.count(), SLOW).toBe(50)
    const newest = await json<{ action: string; at: string }[]>(daemon.api('/audit?limit=50'))
    const shown = await events.evaluateAll((rows) => rows.map((row) => row.querySelector('code')?.textContent))
    expect(shown).toEqual(newest.map((event) => event.action))
  })

  it('deletes a connection only after a confirmation whose focus is on Cancel', async () => {
    await page.getByRole('tab', { name: 'Connections' }).click()
    await expect.poll(() => page.getByTestId('console-connection').count(), SLOW).toBe(1)
    await page.getByRole('button', { name: 'Delete Example Org' }).click()
    const dialog = page.getByTestId('confirm-delete')
    await expect.poll(() => textOf(dialog), SLOW).toContain('Delete the connection Example Org?')
    // Focus moves in an effect after the dialog renders, and the dialog leaves on the next render: poll both.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()), SLOW).toBe('Cancel')
    await page.keyboard.press('Enter')
    await expect.poll(() => dialog.count(), SLOW).toBe(0)
    expect(await json<unknown[]>(daemon.api('/connections'))).toHaveLength(1)

    await page.getByRole('button', { name: 'Delete Example Org' }).click()
    await dialog.getByRole('button', { name: 'Delete connection' }).click()
    await expect.poll(() => textOf(page.getByTestId('connection-result')), SLOW).toContain('Example Org was deleted.')
    expect(await json<unknown[]>(daemon.api('/connections'))).toHaveLength(0)
  })
})
