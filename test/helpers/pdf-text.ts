import { inflateSync } from 'node:zlib'

/**
 * The text a PDF draws with the standard fonts (as pdf-lib writes it: hex strings shown with Tj
 * inside flate-compressed content streams), one string per drawn line. Enough to assert what a
 * certificate says without a PDF text extractor.
 */
export function pdfText(bytes: Uint8Array): string[] {
  const raw = Buffer.from(bytes)
  const lines: string[] = []
  let at = 0
  for (;;) {
    const start = raw.indexOf('stream', at, 'latin1')
    if (start < 0) break
    const bodyStart = start + (raw[start + 6] === 0x0d ? 8 : 7)
    const end = raw.indexOf('endstream', bodyStart, 'latin1')
    if (end < 0) break
    at = end + 9
    let content: string
    try {
      content = inflateSync(raw.subarray(bodyStart, end)).toString('latin1')
    } catch {
      content = raw.subarray(bodyStart, end).toString('latin1')
    }
    for (const match of content.matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g)) lines.push(Buffer.from(match[1] as string, 'hex').toString('latin1'))
  }
  return lines
}
