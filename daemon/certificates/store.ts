import { createHash } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseCampaignKey } from '../../shared/campaign-key.ts'
import type { TrainingId } from '../../shared/domain.ts'
import type { Logger } from '../log.ts'
import type { ProviderSession } from '../providers/types.ts'
import { writeDurably } from '../store/durable.ts'
import type { StoredRecord } from '../store/schema.ts'
import { evidenceDigest } from './pdf.ts'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** A record that has just become compliant (the sync's stage 4 hands these over). */
export type NewlyCompliant = { email: string; training: TrainingId; record: StoredRecord }

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
   * Stage 5 of the sync: the evidence of every record about to become compliant, fixed. Each
   * comes back as a new record with its evidence digest and the hashes of the provider's
   * certificates, downloaded now. A failed download is logged and the record keeps no provider
   * certificate (trainproof's own PDF still proves it); the sync goes on.
   */
  async certify(
    session: Pick<ProviderSession, 'certificate'>,
    connectionId: string,
    compliant: readonly NewlyCompliant[],
  ): Promise<NewlyCompliant[]> {
    const download = session.certificate?.bind(session)
    const certified: NewlyCompliant[] = []
    for (const { email, training, record } of compliant) {
      const evidenceSha256 = evidenceDigest(record)
      const certificates = download ? await this.download(download, connectionId, email, record) : [...record.certificates]
      certified.push({ email, training, record: { ...record, certificates, evidenceSha256 } })
    }
    return certified
  }

  private async download(
    download: NonNullable<ProviderSession['certificate']>,
    connectionId: string,
    email: string,
    record: StoredRecord,
  ): Promise<string[]> {
    const hashes = [...record.certificates]
    for (const evidence of record.evidence) {
      const campaignExternalId = parseCampaignKey(evidence.campaignId)?.externalCampaignId ?? evidence.campaignId
      try {
        const bytes = await download({ campaignExternalId, enrollmentId: evidence.enrollmentId, email })
        if (bytes) hashes.push(await this.put(bytes))
      } catch (error) {
        this.log.warn('certificate download failed', { connectionId, campaign: campaignExternalId, error })
      }
    }
    return hashes
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
