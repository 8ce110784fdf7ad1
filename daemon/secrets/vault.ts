import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeDurably } from '../store/durable.ts'

const KEY_FILE = 'secret.key'
const FORMAT = 'v1'

export class VaultError extends Error {
  override name = 'VaultError'
}

/**
 * Seals secrets (provider API tokens, OAuth tokens, PKCE verifiers) with AES-256-GCM before they
 * reach the db. The key lives in its own 0600 file beside the db, so a copied db file alone
 * reveals nothing. `context` (e.g. the connection id) is bound as associated data: a sealed value
 * moved to another record does not open.
 */
export class Vault {
  private constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new VaultError('The vault key must be 256 bits.')
  }

  static async open(dataDir: string): Promise<Vault> {
    const file = join(dataDir, KEY_FILE)
    try {
      const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')
      if (key.length !== 32) throw new VaultError(`The key file ${file} does not hold a 256-bit key.`)
      return new Vault(key)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    const key = randomBytes(32)
    await writeDurably(file, `${key.toString('base64')}\n`, { mode: 0o600, exclusive: true })
    await chmod(file, 0o600)
    return new Vault(key)
  }

  /** A vault with a throwaway key (tests). */
  static ephemeral(): Vault {
    return new Vault(randomBytes(32))
  }

  seal(value: unknown, context: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(Buffer.from(context))
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
    return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.')
  }

  open(sealed: string, context: string): unknown {
    const [format, iv, tag, body] = sealed.split('.')
    if (format !== FORMAT || !iv || !tag || body === undefined) throw new VaultError('A sealed secret is malformed.')
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(context))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
      return JSON.parse(text)
    } catch {
      throw new VaultError('A sealed secret could not be opened (wrong key or tampered data).')
    }
  }
}

/** Creates the data directory with mode 0700 (and tightens it if it exists). */
export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await chmod(dataDir, 0o700)
}
