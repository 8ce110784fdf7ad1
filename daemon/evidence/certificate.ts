import type { TrainingId } from '../../shared/domain.ts'
import { certificatePdf } from '../certificates/pdf.ts'
import type { CertificateStore } from '../certificates/store.ts'
import { trainingProviders } from '../compliance/views.ts'
import type { ProviderRegistry } from '../providers/registry.ts'
import type { Db, StoredPerson, StoredRecord } from '../store/schema.ts'
import { recordSource } from './source.ts'

/**
 * The certificate of a compliant record: what `GET /personnel/:email/certificates/:training`
 * serves and what the evidence pack holds, built by the one certificate builder.
 */
export async function recordCertificate(
  { providers, certificates }: { providers: ProviderRegistry; certificates: CertificateStore },
  db: Db,
  person: StoredPerson,
  training: TrainingId,
  record: StoredRecord,
): Promise<Uint8Array> {
  const attachments: Uint8Array[] = []
  for (const hash of record.certificates) {
    const bytes = await certificates.get(hash)
    if (bytes) attachments.push(bytes)
  }
  return certificatePdf({
    person,
    training,
    record,
    provider: recordSource(db, providers, record).providerName ?? trainingProviders(db)[training],
    syncedAt: record.evaluatedAt,
    attachments,
  })
}
