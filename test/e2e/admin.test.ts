import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KnowBe4Fake } from '../../fakes/knowbe4/index.ts'
import type { Connection, Person, TrainingConfig } from '../../shared/domain.ts'
import { ADMIN_TOKEN, type TestDaemon } from '../helpers/daemon.ts'
import { buildExtension, launchBrowser, POLL, textOf, type Browser } from './harness.ts'
import { json, startDaemon, startKnowBe4, tokenFor } from './setup.ts'

describe('admin popup: connect KnowBe4, tick campaigns, sync, reset (and a reviewer who cannot)', { timeout: 60_000 }, () => {
  let build: ReturnType<typeof buildExtension>
  let fake: KnowBe4Fake
  let daemon: TestDaemon
  let browser: Browser

  beforeAll(async () => {
    build = buildExtension()
    ;({ fake } = await startKnowBe4())
    daemon = await startDaemon()
    browser = await launchBrowser(build.dir)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await daemon?.stop()
    await fake?.close()
    build?.cleanup()
  })

  it('connects KnowBe4 from the popup, saying in a sentence when the token is wrong', async () => {
    await browser.pair(daemon.url, ADMIN_TOKEN)
    const popup = await browser.open('popup.html')
    await popup.getByRole('button', { name: 'Connect KnowBe4' }).click()
    const form = popup.getByTestId('knowbe4-form')
    await form.getByLabel('Region of your KnowBe4 account').selectOption('us')
    await form.getByText('Advanced').click()
    await form.getByLabel(/API address/).fill(fake.url)

    await form.getByLabel('Reporting API token').fill('not-the-token')
    await form.getByRole('button', { name: 'Connect KnowBe4' }).click()
    await expect.poll(() => textOf(popup.getByTestId('knowbe4-error')), POLL).toMatch(/^[A-Z].*[a-z].*\.$/)
    expect(await textOf(popup.getByTestId('knowbe4-error'))).not.toMatch(/\{|stack|Error:/)

    await form.getByLabel('Reporting API token').fill(fake.token)
    await form.getByRole('button', { name: 'Connect KnowBe4' }).click()

    await expect.poll(() => popup.getByTestId('connection').count(), POLL).toBe(1)
    expect(await textOf(popup.getByTestId('connection'))).toContain('Connected')
    await popup.close()
  })

  it('ticks campaigns for two trainings (one campaign counting for both) and saves', async () => {
    const popup = await browser.open('popup.html')
    await popup.getByRole('tab', { name: 'Trainings' }).click()
    const security = popup.locator('form[data-training="security_awareness"]')
    await expect.poll(() => security.locator('input[type=checkbox]').count(), POLL).toBe(3)

    await security.getByRole('checkbox', { name: /Campaign A/ }).check()
    await security.getByRole('checkbox', { name: /Campaign B/ }).check()
    await security.getByRole('button', { name: 'Save Security Awareness' }).click()
    await expect.poll(() => textOf(security), POLL).toContain('Saved: 2 campaigns count for Security Awareness')
    // Saving offers the sync that applies it; nothing is synced until asked.
    expect(await security.getByRole('button', { name: 'Sync now' }).count()).toBe(1)

    const hipaa = popup.locator('form[data-training="hipaa"]')
    const [connection] = await json<Connection[]>(daemon.api('/connections'))
    await hipaa.getByLabel('Provider for HIPAA').selectOption(connection!.id)
    await hipaa.getByRole('checkbox', { name: /Campaign A/ }).check()
    await hipaa.getByRole('button', { name: 'Save HIPAA' }).click()

    await expect.poll(() => textOf(hipaa), POLL).toContain('Saved: 1 campaign counts for HIPAA')
    const configs = await json<TrainingConfig[]>(daemon.api('/trainings'))
    expect(configs.find((config) => config.id === 'security_awareness')!.campaignIds).toHaveLength(2)
    expect(configs.find((config) => config.id === 'hipaa')!.campaignIds).toHaveLength(1)
    await popup.reload()
    await popup.getByRole('tab', { name: 'Trainings' }).click()
    await expect
      .poll(() => textOf(popup.locator('form[data-training="security_awareness"] li', { hasText: 'Campaign A' })), POLL)
      .toContain('Also counts for HIPAA.')
    await popup.close()
  })

  it('syncs now and shows the result', async () => {
    const popup = await browser.open('popup.html')

    await popup.getByRole('button', { name: 'Sync now' }).click()

    // Worked example: A and B count for Security Awareness, A for HIPAA; the astronaut and the hero finished.
    await expect.poll(() => textOf(popup.getByTestId('sync-result')), POLL).toMatch(/synced: 2 people became compliant, 2 are newly due\.$/)
    await popup.close()
  })

  it('lists people with status and progress, filters them, and resets one after confirming', async () => {
    const popup = await browser.open('popup.html')
    await popup.getByRole('tab', { name: 'People' }).click()
    await expect.poll(() => popup.getByTestId('person').count(), POLL).toBe(4)
    const wizard = popup.locator('[data-email="wizard@example.com"] tr[data-training="security_awareness"]')
    expect(await textOf(wizard)).toMatch(/In progress\s+1\/2/)

    await popup.getByLabel('Filter people').fill('astro')
    await expect.poll(() => popup.getByTestId('person').count(), POLL).toBe(1)
    await popup.getByRole('button', { name: 'Reset Security Awareness for astronaut@example.com' }).click()
    await expect
      .poll(() => textOf(popup.getByTestId('confirm-reset')), POLL)
      .toContain('Reset Security Awareness for astronaut@example.com?')
    // Enter pressed by habit must not reset: Cancel has the focus.
    await expect.poll(() => popup.evaluate(() => document.activeElement?.textContent?.trim()), POLL).toBe('Cancel')
    await popup.getByTestId('confirm-reset').getByRole('button', { name: 'Reset' }).click()

    await expect
      .poll(() => textOf(popup.getByTestId('reset-result')), POLL)
      .toContain('Security Awareness was reset for astronaut@example.com')
    const astronaut = await json<Person>(daemon.api('/personnel/astronaut@example.com'))
    expect(astronaut.trainings.security_awareness).toMatchObject({ sticky: false })
    expect(astronaut.trainings.security_awareness.status).not.toBe('compliant')
    await popup.close()
  })

  it('shows a rejected token prominently and renews the same connection through Reconnect', async () => {
    const [before] = await json<Connection[]>(daemon.api('/connections'))
    fake.revokeToken(fake.token)
    fake.addToken('kb4-rotated-token')
    const popup = await browser.open('popup.html')
    await popup.getByRole('button', { name: 'Sync now' }).click()
    await expect.poll(() => textOf(popup.getByTestId('needs-reauth')), POLL).toContain(`${before!.label} needs you to sign in again.`)

    await popup.getByRole('button', { name: `Reconnect ${before!.label}` }).click()
    const form = popup.getByTestId('knowbe4-form')
    await form.getByText('Advanced').click()
    await form.getByLabel(/API address/).fill(fake.url)
    await form.getByLabel('Reporting API token').fill('kb4-rotated-token')
    await form.getByRole('button', { name: 'Reconnect KnowBe4' }).click()

    await expect.poll(() => popup.getByTestId('needs-reauth').count(), POLL).toBe(0)
    const after = await json<Connection[]>(daemon.api('/connections'))
    expect(after).toMatchObject([{ id: before!.id, status: 'connected' }])
    await popup.close()
  })

  it('gives an access reviewer everything read-only, and the daemon refuses changes sent behind the UI', async () => {
    await browser.pair(daemon.url, await tokenFor(daemon, 'access_reviewer'))
    const popup = await browser.open('popup.html')
    await expect.poll(() => textOf(popup.getByTestId('read-only')), POLL).toContain('change nothing')
    await expect.poll(() => popup.getByTestId('connection').count(), POLL).toBe(1)

    expect(await popup.getByRole('button', { name: 'Connect KnowBe4' }).count()).toBe(0)
    expect(await popup.getByRole('button', { name: 'Connect Huntress' }).count()).toBe(0)
    expect(await popup.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true)
    expect(await popup.getByRole('button', { name: 'Sync all connections' }).isDisabled()).toBe(true)
    await popup.getByRole('tab', { name: 'Trainings' }).click()
    await expect.poll(() => popup.locator('input[type=checkbox]').count(), POLL).toBeGreaterThan(0)
    expect(await popup.locator('input[type=checkbox]:enabled').count()).toBe(0)
    expect(await popup.locator('select:enabled').count()).toBe(0)
    expect(await popup.getByRole('button', { name: /^Save / }).count()).toBe(0)
    await popup.getByRole('tab', { name: 'People' }).click()
    await expect.poll(() => popup.getByTestId('person').count(), POLL).toBe(4)
    const resets = popup.getByRole('button', { name: /^Reset / })
    expect(await resets.count()).toBeGreaterThan(0)
    for (const button of await resets.all()) expect(await button.isDisabled()).toBe(true)

    const sneaky = await browser.send('reset', { email: 'hero@example.com', training: 'security_awareness' })
    expect(sneaky).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const sync = await browser.send('syncAll')
    expect(sync.ok).toBe(false)
    await popup.close()
  })

  it('shows an access reviewer the Access screen (roles, live tokens) read-only', async () => {
    await json(daemon.api('/grants/boss@example.com', { method: 'PUT', json: { role: 'workspace_manager' } }))
    await browser.pair(daemon.url, await tokenFor(daemon, 'access_reviewer'))
    const popup = await browser.open('popup.html')
    await popup.getByRole('tab', { name: 'Access' }).click()

    await expect.poll(() => textOf(popup.getByTestId('grant')), POLL).toContain('boss@example.com')
    await expect.poll(() => popup.getByTestId('token').count(), POLL).toBeGreaterThan(0)
    expect(await popup.locator('[data-testid="grant"] select:enabled').count()).toBe(0)
    expect(await popup.getByRole('button', { name: /^Revoke|^Remove|^Grant$/ }).count()).toBe(0)
    await popup.close()
  })
})
