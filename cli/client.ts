import { createWriteStream } from 'node:fs'
import { readFile, rename, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { API_BASE } from '../shared/api.ts'

/** A failure the CLI reports as one sentence (the API's own message when it sent one). */
export class CliError extends Error {
  override name = 'CliError'
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
  }
}

export type ClientSettings = { url: string; token: string }

/**
 * Where the daemon is and which token to use: TRAINPROOF_URL (default http://127.0.0.1:7878) and
 * TRAINPROOF_TOKEN, else the admin token the daemon wrote to DATA_DIR/admin-token.
 */
export async function clientSettings(env: Record<string, string | undefined>): Promise<ClientSettings> {
  const url = (env.TRAINPROOF_URL || 'http://127.0.0.1:7878').replace(/\/+$/, '')
  if (env.TRAINPROOF_TOKEN) return { url, token: env.TRAINPROOF_TOKEN.trim() }
  const file = join(resolve(env.TRAINPROOF_DATA_DIR || './data'), 'admin-token')
  const token = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  )
  if (!token) throw new CliError(`No token: set TRAINPROOF_TOKEN, or run where the daemon's ${file} is readable (TRAINPROOF_DATA_DIR).`)
  return { url, token }
}

/** The daemon's HTTP API (api.md) with a bearer token. */
export class ApiClient {
  constructor(private readonly settings: ClientSettings) {}

  get url(): string {
    return this.settings.url
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body)
    if (res.status === 204) return undefined as T
    return (await res.json()) as T
  }

  /** Streams a response body to `file` (written beside it first, renamed when complete). Answers the bytes written. */
  async download(path: string, file: string): Promise<number> {
    const res = await this.send('GET', path)
    if (!res.body) throw new CliError('The daemon sent an empty answer.')
    const partial = `${file}.part`
    let bytes = 0
    const counted = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>)
    counted.on('data', (chunk: Buffer) => (bytes += chunk.length))
    try {
      await pipeline(counted, createWriteStream(partial))
      await rename(partial, file)
    } catch (error) {
      await rm(partial, { force: true })
      throw new CliError(`The download stopped before the end: ${(error as Error).message}`)
    }
    return bytes
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.settings.token}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(`${this.settings.url}${API_BASE}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch (error) {
      throw new CliError(
        `Cannot reach trainproof at ${this.settings.url} (${(error as Error).cause ?? (error as Error).message}). Is the daemon running? (TRAINPROOF_URL)`,
      )
    }
    if (res.ok) return res
    const answer = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null
    const message = answer?.error?.message ?? `HTTP ${res.status}`
    if (res.status === 401) throw new CliError(`The daemon refused the token: ${message} (TRAINPROOF_TOKEN)`)
    throw new CliError(message)
  }
}
