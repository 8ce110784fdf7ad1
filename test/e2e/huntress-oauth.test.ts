import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROME_EXTENSION_ID, providerRedirectPath } from '../../extension/utils/extension-key.ts'
import { startHuntressFake, type HuntressFake } from '../../fakes/huntress/index.ts'
import { seedWorkedExample } from '../../fakes/huntress/seed.ts'
import type { Connection } from '../../shared/domain.ts'
import { ADMIN_TOKEN, type TestDaemon } from '../helpers/daemon.ts'
import { buildExtension, launchBrowser, POLL, RED, textOf, type Browser } from './harness.ts'
import { huntressLimit, json, startDaemon, tokenFor } from './setup.ts'

const REDIRECT_URI = `https://${CHROME_EXTENSION_ID}.chromiumapp.org/${providerRedirectPath('huntress')}`

describe('Huntress: OAuth connect in the browser, then an employee sees Huntress', { timeout: 60_000 }, () => {
  let build: ReturnType<typeof buildExtension>
  let fake: HuntressFake
  let daemon: TestDaemon
  let browser: Browser

  beforeAll(async () => {
    build = buildExtension()
    fake = await startHuntressFake({ client: { redirectUris: [REDIRECT_URI] }, rateLimit: huntressLimit })
    const { account } = seedWorkedExample(fake)
    fake.tenant.addAssignment(account.id, { name: 'Old campaign', status: 'canceled' })
    daemon = await startDaemon(fake)
    browser = await launchBrowser(build.dir)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await daemon?.stop()
    await fake?.close()
    build?.cleanup()
  })

  it('connects Huntress through the sign-in window, with the pinned extension id as redirect', async () => {
    expect(browser.extensionId).toBe(CHROME_EXTENSION_ID)
    await browser.pair(daemon.url, ADMIN_TOKEN)
    const popup = await browser.open('popup.html')
    const signIn = browser.context.waitForEvent('page', { predicate: (page) => page.url().startsWith(fake.url) })

    await popup.getByRole('button', { name: 'Connect Huntress' }).click()
    const approvePage = await signIn
    await approvePage.locator('#approve').click()

    await expect.poll(() => textOf(popup.getByTestId('huntress-result')), POLL).toContain('Huntress is connected')
    const connections = await json<Connection[]>(daemon.api('/connections'))
    expect(connections).toMatchObject([{ provider: 'huntress', status: 'connected' }])
    const stored = await browser.send('overview')
    expect(JSON.stringify(stored)).not.toContain(fake.client.clientSecret)
    await popup.close()
  })

  it('shows assignments that cannot be imported as disabled, with the reason', async () => {
    const popup = await browser.open('popup.html')
    await popup.getByRole('tab', { name: 'Trainings' }).click()
    const security = popup.locator('form[data-training="security_awareness"]')
    await expect.poll(() => security.locator('input[type=checkbox]').count(), POLL).toBe(4)

    const old = security.getByRole('checkbox', { name: /Old campaign/ })
    expect(await old.isDisabled()).toBe(true)
    expect(await textOf(security.locator('li', { hasText: 'Old campaign' }))).toContain('can be selected')
    await security.getByRole('checkbox', { name: /Campaign A/ }).check()
    await security.getByRole('checkbox', { name: /Campaign B/ }).check()
    await security.getByRole('button', { name: 'Save Security Awareness' }).click()
    await expect.poll(() => textOf(security), POLL).toContain('Saved: 2 campaigns')
    await popup.getByRole('tab', { name: 'Connections' }).click()
    await popup.getByRole('button', { name: 'Sync now' }).click()
    await expect.poll(() => textOf(popup.getByTestId('sync-result')), POLL).toContain('synced')
    await popup.close()
  })

  it("names Huntress on an employee's onboarding page and links to its portal", async () => {
    await browser.pair(daemon.url, await tokenFor(daemon, 'employee', 'ninja@example.com'))
    const page = await browser.open('onboarding.html')

    await expect.poll(() => textOf(page.getByTestId('onboarding-title')), POLL).toBe('Your security training with Huntress')
    expect(await page.getByTestId('portal-link').getAttribute('href')).toBe(`${fake.url}/`)
    expect(await textOf(page.locator('[data-training="security_awareness"]'))).toContain('0/1')
    await expect.poll(() => browser.badge(), POLL).toEqual({ text: '1', color: RED })
    await page.close()
  })

  it('lets the admin pick the account when the Huntress login sees several', async () => {
    fake.tenant.addAccount({ name: 'Second Clinic', type: 'paid', licenses: 5 })
    await browser.pair(daemon.url, ADMIN_TOKEN)
    const popup = await browser.open('popup.html')
    const signIn = browser.context.waitForEvent('page', { predicate: (page) => page.url().startsWith(fake.url) })

    await popup.getByRole('button', { name: 'Connect Huntress' }).click()
    await (await signIn).locator('#approve').click()
    const chooser = popup.getByTestId('account-chooser')
    await expect.poll(() => chooser.getByRole('radio').count(), POLL).toBe(2)
    await chooser.getByRole('radio', { name: 'Second Clinic' }).check()
    await chooser.getByRole('button', { name: 'Use this account' }).click()

    await expect.poll(() => textOf(popup.getByTestId('huntress-result')), POLL).toContain('Huntress is connected (Second Clinic)')
    const connections = await json<Connection[]>(daemon.api('/connections'))
    expect(connections.map((connection) => connection.label).sort()).toEqual(['Example Corp', 'Second Clinic'])
    await popup.close()
  })
})
