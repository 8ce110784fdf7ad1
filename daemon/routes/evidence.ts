import { Readable } from 'node:stream'
import { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { ComplianceHistory, EvidenceQuery } from '../../shared/api.ts'
import { TrainingId } from '../../shared/domain.ts'
import { ACCESS, type AuthEnv } from '../auth/roles.ts'
import { complianceHistory } from '../evidence/history.ts'
import { evidencePack } from '../evidence/pack.ts'
import { invalidRequest } from '../errors.ts'
import { defineRoute, json } from './define.ts'
import type { Deps } from './deps.ts'

const evidence = defineRoute(ACCESS.staff, {
  method: 'get',
  path: '/evidence',
  tags: ['evidence'],
  summary: 'The evidence pack of an audit window (a zip, streamed)',
  request: { query: EvidenceQuery },
  responses: {
    200: { description: 'The zip: manifest.json, people.csv, completions.csv, audit.csv, certificates/, README.txt.', content: { 'application/zip': { schema: z.string().meta({ format: 'binary' }) } } },
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

export function evidenceRoutes({ store, providers, certificates, log, version, now }: Deps) {
  return new OpenAPIHono<AuthEnv>()
    .openapi(evidence, (c) => {
      const window = c.req.valid('query')
      if (window.to < window.from) throw invalidRequest(`to (${window.to}) is before from (${window.from}).`)
      const zip = evidencePack({ providers, certificates, log, version }, store.data, window, now(), c.req.raw.signal)
      return c.body(Readable.toWeb(zip) as ReadableStream<Uint8Array>, 200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="trainproof-evidence-${window.from}-${window.to}.zip"`,
      })
    })
    .openapi(history, (c) => {
      const { training } = c.req.valid('query')
      return c.json(complianceHistory(store.data, training, now()), 200)
    })
}
