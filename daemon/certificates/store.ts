import { createHash } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../log.ts'
import { writeDurably } from '../store/durable.ts'
import type { StoredConnection } from '../store/schema.ts'
import type { OpenedSession } from '../sync/session.ts'
import type { SyncPlan } from '../sync/plan.ts'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/**
 * Provider certificates (PDF bytes), kept content-addressed by SHA-256 in DATA_DIR/certificates.
 * A provider's download link expires, so bytes are fetched once, when a person becomes compliant.
 */
export class CertificateStore {
  private readonly dir: string
  private writes = 0

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.dir = join(dataDir, 'certificates')
  }

  /**
   * Downloads the provider's certificates for everyone a sync is about to make compliant and adds
   * their hashes to the planned records. A failed download is logged and the record keeps no
   * provider certificate (trainproof's own PDF still proves it); the sync goes on.
   */
  async fetchFor(opened: OpenedSession, connection: StoredConnection, newlyCompliant: SyncPlan['newlyCompliant']): Promise<void> {
    const download = opened.session.certificate?.bind(opened.session)
    if (!download) return
    for (const { email, record } of newlyCompliant) {
      for (const evidence of record.evidence) {
        const externalId = evidence.campaignId.slice(connection.id.length + 1)
        try {
          const bytes = await download({ campaignExternalId: externalId, enrollmentId: evidence.enrollmentId, email })
          if (bytes) record.certificates.push(await this.put(bytes))
        } catch (error) {
          this.log.warn('certificate download failed', { connectionId: connection.id, campaign: externalId, error })
        }
      }
    }
  }

  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes)
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    const file = join(this.dir, `${hash}.pdf`)
    await writeDurably(file, bytes, { temp: `${file}.${process.pid}.${++this.writes}.tmp` })
    return hash
  }

  /** The bytes of a stored certificate, checked against their hash. */
  async get(hash: string): Promise<Uint8Array | null> {
    try {
      const bytes = new Uint8Array(await readFile(join(this.dir, `${hash}.pdf`)))
      return sha256(bytes) === hash ? bytes : null
    } catch {
      return null
    }
  }
}


