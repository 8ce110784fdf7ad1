import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KnowBe4Fake, WorkedExample } from '../../fakes/knowbe4/index.ts'
import type { TestDaemon } from '../helpers/daemon.ts'
import { buildExtension, GREY, launchBrowser, POLL, RED, textOf, type Browser } from './harness.ts'
import { connectKnowBe4, selectAndSync, startDaemon, startKnowBe4, tokenFor } from './setup.ts'

describe('employee: badge, onboarding and "check again" (KnowBe4)', { timeout: 60_000 }, () => {
  let build: ReturnType<typeof buildExtension>
  let fake: KnowBe4Fake
  let example: WorkedExample
  let daemon: TestDaemon
  let browser: Browser

  beforeAll(async () => {
    build = buildExtension()
    ;({ fake, example } = await startKnowBe4())
    daemon = await startDaemon()
    const connection = await connectKnowBe4(daemon, fake)
    await selectAndSync(daemon, connection.id, 'security_awareness', ['Campaign A', 'Campaign B'])
    browser = await launchBrowser(build.dir)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await daemon?.stop()
    await fake?.close()
    build?.cleanup()
  })

  it('shows the due count in red once paired, and opens the onboarding page by itself', async () => {
    const onboardingOpened = browser.context.waitForEvent('page', { predicate: (page) => page.url().endsWith('/onboarding.html') })

    await browser.pair(daemon.url, await tokenFor(daemon, 'employee', 'wizard@example.com'))

    await expect.poll(() => browser.badge(), POLL).toEqual({ text: '1', color: RED })
    await onboardingOpened
  })

  it("brands the onboarding page for KnowBe4 and links to its learner portal (the sandbox tenant's own page, never the real site)", async () => {
    const page = await browser.open('onboarding.html')

    await expect.poll(() => textOf(page.getByTestId('onboarding-title')), POLL).toBe('Your security training with KnowBe4')
    expect(await page.locator('[data-provider]').first().getAttribute('data-provider')).toBe('knowbe4')
    expect(await page.getByTestId('portal-link').getAttribute('href')).toBe(`${fake.url}/learner`)
    const portal = browser.context.waitForEvent('page', { predicate: (opened) => opened.url().startsWith(fake.url) })
    await page.getByTestId('portal-link').click()
    await expect.poll(async () => (await portal).title(), POLL).toBe('KnowBe4 sandbox — learner portal')
    await (await portal).close()
    const training = page.locator('[data-training="security_awareness"]')
    expect(await training.textContent()).toContain('1/2')
    expect(await training.textContent()).toContain('Campaign A — to do')
    await page.close()
  })

  it('clears the badge after the provider records completion and the person checks again', async () => {
    const unfinished = fake.tenant
      .enrollmentsOf(example.campaigns.a.id)
      .filter((row) => row.userId === example.users.wizard.id && row.completionDate === null)
    expect(unfinished.length).toBeGreaterThan(0)
    for (const row of unfinished) fake.tenant.complete(row, new Date().toISOString())
    const page = await browser.open('onboarding.html')
    const before = fake.log.length

    await page.getByRole('button', { name: 'I finished — check again' }).click()

    await expect.poll(() => textOf(page.getByTestId('recheck-result')), POLL).toContain('everything is complete')
    // A targeted check of this person (KnowBe4's user_id filter), not a sync of the connection.
    const asked = fake.log.slice(before).filter((entry) => entry.path.startsWith('/v1/'))
    expect(asked.map((entry) => [entry.path, entry.query.user_id])).toEqual([['/v1/training/enrollments', String(example.users.wizard.id)]])
    await expect.poll(() => browser.badge(), POLL).toEqual({ text: '', color: RED })
    await expect.poll(() => textOf(page.getByTestId('all-done')), POLL).toContain('Everything is complete')
    await page.close()
  })

  it('shows the employee popup with nothing due', async () => {
    const page = await browser.open('popup.html')

    await expect.poll(() => textOf(page.getByTestId('due-summary')), POLL).toBe('All your trainings are complete.')
    expect(await page.getByTestId('who').textContent()).toContain('wizard@example.com')
    await page.close()
  })

  it('shows a grey "?" when the daemon cannot be reached', async () => {
    await daemon.stop()

    await browser.refresh()

    await expect.poll(() => browser.badge(), POLL).toEqual({ text: '?', color: GREY })
    daemon = undefined as unknown as TestDaemon
  })
})
