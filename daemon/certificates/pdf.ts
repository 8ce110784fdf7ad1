import { createHash } from 'node:crypto'
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib'
import { TRAINING_NAMES, type TrainingId } from '../../shared/domain.ts'
import type { StoredRecord } from '../store/schema.ts'

export type CertificateInput = {
  person: { email: string; name: string }
  training: TrainingId
  record: StoredRecord
  /** The provider and connection the evidence came from (kept in the record), when known. */
  provider: { name: string; connectionLabel: string } | null
  /** When the data behind the record was synced. */
  syncedAt: string
  /** The provider's own certificates, appended after trainproof's page. */
  attachments: Uint8Array[]
}

/** SHA-256 over the evidence rows in a canonical order: changes if any row or date changes. */
export function evidenceDigest(record: StoredRecord): string {
  const rows = record.evidence.map((row) => [row.campaignId, row.module, row.enrollmentId, row.completedAt].join('\t')).sort()
  return createHash('sha256').update(rows.join('\n')).digest('hex')
}

/** Latin-1 only: the standard PDF fonts cannot draw other characters. */
const printable = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?')

class Writer {
  y = 780
  constructor(
    private page: PDFPage,
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {}

  line(text: string, options: { size?: number; bold?: boolean; indent?: number; gap?: number } = {}): void {
    const size = options.size ?? 10
    if (this.y < 60) {
      this.page = this.doc.addPage([595, 842])
      this.y = 780
    }
    const font = options.bold ? this.bold : this.font
    let clipped = printable(text)
    while (clipped.length > 1 && font.widthOfTextAtSize(clipped, size) > 495 - (options.indent ?? 0)) clipped = clipped.slice(0, -2)
    this.page.drawText(clipped, { x: 50 + (options.indent ?? 0), y: this.y, size, font, color: rgb(0.1, 0.1, 0.15) })
    this.y -= size + (options.gap ?? 6)
  }
}

/** trainproof's certificate of completion: who, which training, which campaigns and modules, when, and the evidence. */
export async function certificatePdf(input: CertificateInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  doc.setTitle(`${TRAINING_NAMES[input.training]} - certificate of completion - ${input.person.email}`)
  doc.setProducer('trainproof')
  doc.setCreationDate(new Date(input.syncedAt))
  const font = await doc.embedFont(StandardFonts.Helvetica)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)
  const out = new Writer(doc.addPage([595, 842]), doc, font, bold)
  const { record } = input

  out.line('Certificate of completion', { size: 22, bold: true, gap: 18 })
  out.line(`${input.person.name} <${input.person.email}>`, { size: 14, bold: true })
  out.line(`completed ${TRAINING_NAMES[input.training]}`, { size: 12, gap: input.provider ? 6 : 14 })
  if (input.provider) out.line(`Provider: ${input.provider.name} - connection "${input.provider.connectionLabel}"`, { gap: 14 })
  out.line(`Compliant since: ${record.compliantAt ?? 'unknown'}`)
  out.line(`Evidence synced: ${input.syncedAt}`)
  out.line(`Campaigns completed: ${record.completed} of ${record.required}`, { gap: 14 })

  for (const campaign of record.campaigns) {
    const rows = record.evidence.filter((item) => item.campaignId === campaign.id)
    const name = rows.find((row) => row.campaignName)?.campaignName || campaign.name
    out.line(`${name}: completed ${campaign.completedAt ?? '-'}`, { bold: true })
    for (const row of rows) {
      out.line(`module ${row.moduleName} - enrollment ${row.enrollmentId} - completed ${row.completedAt}`, { indent: 14, size: 9 })
    }
    out.line('', { gap: 2 })
  }
  out.line('Evidence SHA-256 (over campaign, module, enrollment id and completion time of each row):', { size: 8, gap: 3 })
  out.line(evidenceDigest(record), { size: 8, gap: 10 })
  if (input.attachments.length > 0) out.line(`The provider's own certificates follow (${input.attachments.length}).`, { size: 9 })

  for (const bytes of input.attachments) {
    const attached = await PDFDocument.load(bytes)
    for (const page of await doc.copyPages(attached, attached.getPageIndices())) doc.addPage(page)
  }
  return doc.save()
}
