import { Readable } from 'node:stream'
import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { ComplianceHistory, EvidenceQuery } from '../../shared/api.ts'
import { TrainingId } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { defineRoute, json } from './define.ts'
import type { Services } from '../services/index.ts'

const evidence = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/evidence',
  tags: ['evidence'],
  summary: 'The evidence pack of an audit window (a zip, streamed)',
  request: { query: EvidenceQuery },
  responses: {
    200: {
      description: 'The zip: manifest.json, people.csv, completions.csv, audit.csv, certificates/, README.txt.',
      content: { 'application/zip': { schema: z.string().meta({ format: 'binary' }) } },
    },
  },
})

const history = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/compliance/history',
  tags: ['evidence'],
  summary: 'Compliant people per day for one training, from their compliantAt',
  request: { query: z.object({ training: TrainingId }) },
  responses: { 200: json(ComplianceHistory, 'One point per UTC day, oldest first, up to today.') },
})

export function evidenceRoutes({ evidence: service }: Services) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(evidence, (c) => {
      const window = c.req.valid('query')
      const zip = service.pack(window, c.req.raw.signal)
      return c.body(Readable.toWeb(zip) as ReadableStream<Uint8Array>, 200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="trainproof-evidence-${window.from}-${window.to}.zip"`,
      })
    })
    .openapi(history, (c) => c.json(service.history(c.req.valid('query').training), 200))
}
