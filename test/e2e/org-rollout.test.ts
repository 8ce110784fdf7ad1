import { execFileSync } from 'node:child_process'
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { knowbe4 } from '../../daemon/providers/knowbe4/index.ts'
import { ProviderRegistry } from '../../daemon/providers/registry.ts'
import { CHROME_EXTENSION_ID } from '../../extension/utils/extension-key.ts'
import { startIdp, type Idp } from '../../fakes/idp/index.ts'
import type { KnowBe4Fake } from '../../fakes/knowbe4/index.ts'
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.ts'
import { buildExtension, GREY, launchBrowser, POLL, RED, ROOT, textOf, type Browser } from './harness.ts'
import { connectKnowBe4, json, providerClock, selectAndSync, startKnowBe4 } from './setup.ts'

/**
 * The organisation's roll-out, end to end in Debian Chromium: a machine policy names the daemon
 * (HTTPS, a self-signed certificate made here), a fresh profile picks it up, the employee signs in
 * at the sandbox identity provider, the badge shows their due count; an admin revokes that token
 * on the Access screen and the extension asks the employee to sign in again.
 *
 * Chromium is started with --ignore-certificate-errors: the certificate is made by the test and
 * no CA installed in the machine's trust store (which would outlive the test) signs it.
 */
const POLICY_DIR = '/etc/chromium/policies/managed'
const SHOTS = process.env.TRAINPROOF_SCREENSHOTS ? join(ROOT, 'docs') : null

function canWritePolicy(): boolean {
  try {
    mkdirSync(POLICY_DIR, { recursive: true })
    accessSync(POLICY_DIR, constants.W_OK)
    return true
  } catch {
    return false
  }
}

function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'pipe' },
  )
  return { cert, key }
}

const EMPLOYEE = 'wizard@example.com'
const ADMIN = 'it-admin@example.com'

describe.skipIf(!canWritePolicy())('roll-out with a managed policy, company sign-in and HTTPS', { timeout: 180_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'trainproof-rollout-'))
  const policyFile = join(POLICY_DIR, `trainproof-e2e-${randomBytes(6).toString('hex')}.json`)
  let build: ReturnType<typeof buildExtension>
  let fake: KnowBe4Fake
  let idp: Idp
  let daemon: TestDaemon
  const browsers: Browser[] = []
  let stopped = false

  beforeAll(async () => {
    build = buildExtension()
    ;({ fake } = await startKnowBe4())
    idp = await startIdp({
      users: [
        { email: EMPLOYEE, name: 'Wizard Example' },
        { email: ADMIN, name: 'IT Admin' },
      ],
      clients: [{ clientId: 'trainproof-e2e', redirectUris: 'any-extension' }],
    })
    const dataDir = join(work, 'data')
    mkdirSync(dataDir, { mode: 0o700 })
    const providers = new ProviderRegistry([knowbe4])
    // Set up over plain loopback HTTP (Node's fetch would refuse the self-signed certificate), then
    // serve the same data over HTTPS with sign-in, as the organisation's daemon.
    const setup = await startTestDaemon({ dataDir, providers, clock: providerClock })
    const connection = await connectKnowBe4(setup, fake)
    await selectAndSync(setup, connection.id, 'security_awareness', ['Campaign A', 'Campaign B'])
    await json(setup.api(`/grants/${ADMIN}`, { method: 'PUT', json: { role: 'admin' } }))
    await setup.stop()
    const tls = selfSignedCertificate(work)
    daemon = await startTestDaemon({
      dataDir,
      providers,
      clock: providerClock,
      env: {
        TRAINPROOF_TLS_CERT: tls.cert,
        TRAINPROOF_TLS_KEY: tls.key,
        TRAINPROOF_OIDC_ISSUER: idp.issuer,
        TRAINPROOF_OIDC_CLIENT_ID: 'trainproof-e2e',
      },
    })
    expect(daemon.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const policy = {
      '3rdparty': {
        extensions: { [CHROME_EXTENSION_ID]: { daemonUrl: daemon.url, signInRequired: true, supportContact: 'it-help@example.com' } },
      },
    }
    writeFileSync(policyFile, JSON.stringify(policy))
  })

  afterAll(async () => {
    rmSync(policyFile, { force: true })
    for (const browser of browsers) await browser.close().catch(() => undefined)
    if (!stopped) await daemon?.stop()
    await idp?.close()
    await fake?.close()
    build?.cleanup()
    rmSync(work, { recursive: true, force: true })
  })

  const launch = async () => {
    const browser = await launchBrowser(build.dir, { args: ['--ignore-certificate-errors'] })
    browsers.push(browser)
    return browser
  }

  /** Clicks the sign-in button on `page` and picks `email` on the identity provider's page (the launchWebAuthFlow window). */
  const signInAs = async (browser: Browser, page: Page, email: string, shot?: string) => {
    const authWindow = browser.context.waitForEvent('page', { timeout: 15_000 })
    await page.getByTestId('sign-in').click()
    const idpPage = await authWindow
    const person = idpPage.getByTestId(`idp-user-${email}`)
    await person.waitFor({ timeout: 15_000 })
    if (shot && SHOTS) await idpPage.screenshot({ path: join(SHOTS, shot) })
    await person.click()
  }

  it('takes the daemon from policy, signs the employee in, shows the badge, and asks again after the admin revokes the token', async () => {
    const employee = await launch()

    // First run under policy: the extension opens its sign-in page by itself, with one button.
    await expect.poll(() => employee.context.pages().find((page) => page.url().endsWith('/onboarding.html')) !== undefined, POLL).toBe(true)
    const first = employee.context.pages().find((page) => page.url().endsWith('/onboarding.html'))!
    await first.setViewportSize({ width: 900, height: 520 })
    await expect.poll(() => textOf(first.getByTestId('sign-in')), POLL).toBe('Sign in with your company account')
    if (SHOTS) await first.screenshot({ path: join(SHOTS, 'managed-first-run.png') })

    // The options show the address policy set, locked, and no token field (sign-in is required).
    const options = await employee.open('options.html')
    await expect.poll(() => options.getByLabel('Daemon address').inputValue(), POLL).toBe(daemon.url)
    expect(await options.getByLabel('Daemon address').getAttribute('readonly')).not.toBeNull()
    expect(await options.getByLabel('Personal token').count()).toBe(0)
    await options.close()

    await signInAs(employee, first, EMPLOYEE, 'sign-in-idp.png')
    await expect.poll(() => employee.badge(), POLL).toEqual({ text: '1', color: RED })
    const popup = await employee.open('popup.html', { width: 460, height: 420 })
    await expect.poll(() => textOf(popup.getByTestId('who')), POLL).toContain(EMPLOYEE)
    await expect.poll(() => textOf(popup.getByTestId('due-summary')), POLL).toContain('1 training is due')
    // Readable text: Chromium's own stylesheet for extension pages once shrank it to 10.5 px.
    expect(
      await popup.getByTestId('due-summary').evaluate((element) => parseFloat(getComputedStyle(element).fontSize)),
    ).toBeGreaterThanOrEqual(14)

    // The admin signs in the same way (a role granted to their e-mail) and revokes the employee's token.
    const admin = await launch()
    const adminFirst = await admin.open('popup.html', { width: 460, height: 560 })
    await expect.poll(() => adminFirst.getByTestId('sign-in').count(), POLL).toBe(1)
    await signInAs(admin, adminFirst, ADMIN)
    await expect.poll(() => textOf(adminFirst.getByTestId('who')), POLL).toContain('Admin')
    await adminFirst.getByRole('tab', { name: 'Access' }).click()
    const row = adminFirst.locator(`[data-testid="token"][data-email="${EMPLOYEE}"]`)
    await expect.poll(() => row.count(), POLL).toBe(1)
    if (SHOTS) await adminFirst.screenshot({ path: join(SHOTS, 'access.png'), fullPage: true })
    await row.getByRole('button', { name: 'Revoke' }).click()
    await expect.poll(() => textOf(adminFirst.getByTestId('revoke-result')), POLL).toContain('Revoked')

    // The employee's next check gets 401: the popup offers sign-in again and says why.
    await employee.send('refresh')
    await expect.poll(() => popup.getByTestId('sign-in').count(), POLL).toBe(1)
    await expect.poll(() => textOf(popup.getByTestId('signed-out-reason')), POLL).toMatch(/expired or was revoked/)
    expect(await employee.badge()).toEqual({ text: '?', color: GREY })
    if (SHOTS) await popup.screenshot({ path: join(SHOTS, 'sign-in-again.png') })

    // Signing in again works (the identity provider still has their session: no page to click this
    // time); then, with the daemon gone, the last known status stays, marked stale.
    await popup.getByTestId('sign-in').click()
    await expect.poll(() => employee.badge(), POLL).toEqual({ text: '1', color: RED })
    await daemon.stop()
    stopped = true
    await employee.send('refresh')
    await expect.poll(() => employee.badge(), POLL).toEqual({ text: '1', color: GREY })
    await expect
      .poll(() => textOf(popup.getByTestId('stale')), POLL)
      .toMatch(/Can't reach the trainproof daemon.*Showing what trainproof said/s)
    expect(await textOf(popup.getByTestId('due-summary'))).toContain('1 training is due')
  })
})
