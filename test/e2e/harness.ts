import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type BrowserContext, type Locator, type Page, type Worker } from 'playwright-core'
import { expect } from 'vitest'
import { CHROME_EXTENSION_ID } from '../../extension/utils/extension-key.ts'

export const ROOT = resolve(import.meta.dirname, '../..')
export const CHROMIUM = process.env.TRAINPROOF_CHROMIUM ?? '/usr/bin/chromium'
/** Generous, because a whole sync runs behind some clicks; polls end as soon as they pass. */
export const POLL = { timeout: 15_000, interval: 100 }

/**
 * Builds the Chrome MV3 extension into a directory of its own (parallel test files would
 * otherwise overwrite each other's `.output`), or uses `E2E_EXTENSION_DIR` when set.
 */
export function buildExtension(): { dir: string; cleanup: () => void } {
  if (process.env.E2E_EXTENSION_DIR) return { dir: resolve(process.env.E2E_EXTENSION_DIR), cleanup: () => undefined }
  const out = mkdtempSync(join(tmpdir(), 'trainproof-ext-'))
  execFileSync(join(ROOT, 'node_modules/.bin/wxt'), ['build'], {
    cwd: ROOT,
    env: { ...process.env, TRAINPROOF_EXT_OUT_DIR: out },
    stdio: 'pipe',
  })
  const dir = join(out, 'chrome-mv3')
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`wxt build wrote no manifest into ${dir}`)
  return { dir, cleanup: () => rmSync(out, { recursive: true, force: true }) }
}

/** The few extension APIs the tests call inside extension pages (run there, not in Node). */
type ChromeApi = {
  runtime: { sendMessage(message: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> }
  action: { getBadgeText(details: object): Promise<string>; getBadgeBackgroundColor(details: object): Promise<number[]> }
}

export type Browser = {
  context: BrowserContext
  extensionId: string
  /** Opens one of the extension's pages (`popup.html`, `options.html`, `onboarding.html`). */
  open(path: string, options?: { width?: number; height?: number }): Promise<Page>
  /** The toolbar badge as the browser shows it. */
  badge(): Promise<{ text: string; color: number[] }>
  /** Asks the background to refresh from the daemon now, instead of waiting for its alarm. */
  refresh(): Promise<void>
  /** Pairs through the options page, the way a person does. */
  pair(daemonUrl: string, token: string): Promise<void>
  /** Sends a raw protocol message from an extension page, bypassing the UI. */
  send(kind: string, args?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>
  close(): Promise<void>
}

/** Headless Debian Chromium with the built extension loaded, in a fresh profile. */
export async function launchBrowser(
  extensionDir: string,
  options: { colorScheme?: 'light' | 'dark'; args?: string[] } = {},
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'trainproof-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    colorScheme: options.colorScheme ?? 'light',
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--headless=new',
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--disable-gpu',
      ...(options.args ?? []),
    ],
  })
  const worker: Worker =
    context.serviceWorkers().find((item) => item.url().includes(CHROME_EXTENSION_ID)) ??
    (await context.waitForEvent('serviceworker', { timeout: 15_000 }))
  const extensionId = new URL(worker.url()).host
  let probe: Page | null = null
  const probePage = async () => {
    if (probe === null || probe.isClosed()) {
      probe = await context.newPage()
      await probe.goto(`chrome-extension://${extensionId}/popup.html?probe=1`)
    }
    return probe
  }
  const open = async (path: string, size?: { width?: number; height?: number }) => {
    const page = await context.newPage()
    if (size) await page.setViewportSize({ width: size.width ?? 800, height: size.height ?? 600 })
    await page.goto(`chrome-extension://${extensionId}/${path}`)
    return page
  }
  const send: Browser['send'] = async (kind, args) =>
    (await probePage()).evaluate(
      ([kind, args]) =>
        (globalThis as unknown as { chrome: ChromeApi }).chrome.runtime.sendMessage({ channel: 'trainproof/v1', kind, args }),
      [kind, args] as const,
    )
  return {
    context,
    extensionId,
    open,
    send,
    badge: async () =>
      (await probePage()).evaluate(async () => {
        // Runs inside the page: no closures from Node.
        const { action } = (globalThis as unknown as { chrome: ChromeApi }).chrome
        return { text: await action.getBadgeText({}), color: await action.getBadgeBackgroundColor({}) }
      }),
    refresh: async () => {
      const reply = await send('refresh')
      if (!reply.ok) throw new Error(`refresh failed: ${reply.error?.message}`)
    },
    pair: async (daemonUrl, token) => {
      const page = await open('options.html')
      await page.getByLabel('Daemon address').fill(daemonUrl)
      await page.getByLabel('Personal token').fill(token)
      await page.getByRole('button', { name: 'Save and check' }).click()
      await expect.poll(() => textOf(page.getByTestId('pair-result').or(page.getByTestId('pair-error'))), POLL).toMatch(/Paired/)
      await page.close()
    },
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** The text of what a locator finds now, without Playwright's auto-wait (so `expect.poll` can retry). */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.allInnerTexts()).join('\n')
}

/** Chromium's badge colour for our red, as `getBadgeBackgroundColor` reports it. */
export const RED = [0xc6, 0x28, 0x28, 255]
export const GREY = [0x6b, 0x6b, 0x6b, 255]
