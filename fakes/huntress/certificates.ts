import { randomBytes } from 'node:crypto'

type Link = { bytes: Uint8Array; expiresAt: number }

/** Short-lived download links to certificate PDFs, like a pre-signed storage URL. */
export class CertificateLinks {
  private readonly links = new Map<string, Link>()
  ttlMs = 5 * 60_000
  /** What an expired or unknown link answers (a pre-signed S3 URL says 403). */
  expiredStatus: 403 | 404 | 410 = 403

  constructor(private readonly now: () => number) {}

  /** Returns the path of a new link to `bytes`. */
  create(bytes: Uint8Array): string {
    const token = randomBytes(18).toString('base64url')
    this.links.set(token, { bytes, expiresAt: this.now() + this.ttlMs })
    return `/files/certificates/${token}.pdf?expires=${this.ttlMs / 1000}`
  }

  get(token: string): Uint8Array | null {
    const link = this.links.get(token)
    return link && link.expiresAt > this.now() ? link.bytes : null
  }

  expireAll(): void {
    for (const link of this.links.values()) link.expiresAt = 0
  }
}

/** A one-page PDF that any reader opens, naming the learner and the assignment. */
export function certificatePdf(lines: readonly string[]): Uint8Array {
  const text = lines.map((line, index) => `${index === 0 ? '' : '0 -26 Td '}(${pdfText(line)}) Tj`).join('\n')
  const stream = `BT /F1 16 Tf 72 720 Td\n${text}\nET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, index) => {
    offsets.push(body.length)
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return new TextEncoder().encode(body)
}

// Helvetica in a literal string: ASCII only, with ( ) \ escaped.
function pdfText(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, (char) => `\\${char}`)
}
