import { createConfig, lintFromString } from '@redocly/openapi-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { operationIdOf } from '../../../daemon/routes/define.ts'
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.ts'

let daemon: TestDaemon
beforeAll(async () => {
  daemon = await startTestDaemon()
})
afterAll(() => daemon.stop())

type Operation = { operationId?: string; security?: Record<string, string[]>[]; 'x-access': unknown; responses: Record<string, unknown> }
type Doc = {
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes?: Record<string, { type: string; scheme: string }> }
}

const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })))

describe('the OpenAPI document as clients use it', () => {
  it("passes Redocly's recommended rules", async () => {
    const source = await (await daemon.api('/openapi.json', { token: null })).text()
    // The project has not chosen a licence yet; when it does, declare it in app.ts and drop this.
    const config = await createConfig({ extends: ['recommended'], rules: { 'info-license': 'off' } })
    const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config })
    expect(
      problems.map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`),
    ).toEqual([])
  })

  it('declares the bearer scheme on every route that needs a token, and none on public ones', async () => {
    const doc = (await (await daemon.api('/openapi.json', { token: null })).json()) as Doc
    expect(doc.components.securitySchemes).toMatchObject({ bearerToken: { type: 'http', scheme: 'bearer' } })
    for (const { path, method, op } of operations(doc)) {
      expect(op.security, `${method} ${path}`).toEqual(op['x-access'] === 'public' ? [] : [{ bearerToken: [] }])
      expect(
        Object.keys(op.responses).some((status) => status.startsWith('4')),
        `${method} ${path} has a 4xx`,
      ).toBe(true)
    }
  })

  it('gives every operation a unique id a generated client can use as a method name', async () => {
    const doc = (await (await daemon.api('/openapi.json', { token: null })).json()) as Doc
    const ids = operations(doc).map(({ op }) => op.operationId)
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('operationIdOf', () => {
  it('names an operation by its method and path, parameters as By<Name>', () => {
    expect(operationIdOf('get', '/personnel/{email}/certificates/{trainingId}')).toBe('getPersonnelByEmailCertificatesByTrainingId')
    expect(operationIdOf('post', '/connections/{id}/sync')).toBe('postConnectionsByIdSync')
    expect(operationIdOf('get', '/me/trainings')).toBe('getMeTrainings')
    expect(operationIdOf('delete', '/auth/oidc/start')).toBe('deleteAuthOidcStart')
  })
})
