import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, publicHosts } from '../../daemon/config.ts'
import { ADMIN_TOKEN, startTestDaemon, type TestDaemon } from '../helpers/daemon.ts'

const TSX = join(process.cwd(), 'node_modules/.bin/tsx')
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'trainproof-deploy-'))
  dirs.push(dir)
  return dir
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl for this test. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  )
  return { cert, key }
}

function get(url: string, options: { ca?: Buffer; host?: string } = {}): Promise<{ status: number; body: string }> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { ca: options.ca, headers: { ...(options.host ? { host: options.host } : {}), authorization: `Bearer ${ADMIN_TOKEN}` } },
      (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('HTTPS served by the daemon', () => {
  it('with TRAINPROOF_TLS_CERT and _KEY, npm start says https:// and answers over TLS', async () => {
    const dir = tempDir()
    const { cert, key } = selfSigned(dir)
    const child = spawn(TSX, ['daemon/main.ts'], {
      env: {
        ...process.env,
        TRAINPROOF_PORT: '0',
        TRAINPROOF_SCHEDULER: '0',
        TRAINPROOF_LOG_LEVEL: 'silent',
        TRAINPROOF_DATA_DIR: join(dir, 'data'),
        TRAINPROOF_ADMIN_TOKEN: ADMIN_TOKEN,
        TRAINPROOF_TLS_CERT: cert,
        TRAINPROOF_TLS_KEY: key,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (chunk) => {
          out += chunk
          const match = /trainproof listening on (\S+)/.exec(out)
          if (match) resolve(match[1]!)
        })
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)))
      })
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const me = await get(`${url}/api/v1/me`, { ca: readFileSync(cert) })
      expect(me.status).toBe(200)
      expect(JSON.parse(me.body)).toEqual({ role: 'admin', email: null })
      // Without trusting the certificate the TLS handshake itself fails: it really is TLS.
      await expect(get(`${url}/api/v1/health`)).rejects.toThrow(/self[- ]signed|certificate/i)
    } finally {
      child.kill('SIGTERM')
    }
  })

  it('refuses to start when a certificate file is unreadable or not PEM', async () => {
    const dir = tempDir()
    const { cert } = selfSigned(dir)
    const config = loadConfig({
      TRAINPROOF_DATA_DIR: join(dir, 'data'),
      TRAINPROOF_PORT: '0',
      TRAINPROOF_TLS_CERT: cert,
      TRAINPROOF_TLS_KEY: join(dir, 'missing.pem'),
    })
    const { startDaemon } = await import('../../daemon/server.ts')
    await expect(startDaemon(config)).rejects.toThrow(/TRAINPROOF_TLS_KEY .*cannot be read/)
  })
})

describe('configuration rules', () => {
  const problem = (env: Record<string, string>) => {
    try {
      loadConfig(env)
      return null
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      return (error as Error).message
    }
  }

  it('needs both TLS files or neither', () => {
    expect(problem({ TRAINPROOF_TLS_CERT: '/x/cert.pem' })).toMatch(/TRAINPROOF_TLS_CERT \/ TRAINPROOF_TLS_KEY/)
    expect(problem({ TRAINPROOF_TLS_KEY: '/x/key.pem' })).toMatch(/set both/)
  })

  it('refuses plain HTTP on a non-loopback interface unless TLS is served or an https PUBLIC_URL says a proxy terminates it', () => {
    expect(problem({ TRAINPROOF_HOST: '0.0.0.0' })).toMatch(/TRAINPROOF_HOST: 0\.0\.0\.0 is not loopback/)
    expect(problem({ TRAINPROOF_HOST: '0.0.0.0', TRAINPROOF_PUBLIC_URL: 'http://trainproof.corp.example' })).toMatch(/not loopback/)
    expect(problem({ TRAINPROOF_HOST: '0.0.0.0', TRAINPROOF_PUBLIC_URL: 'https://trainproof.corp.example' })).toBeNull()
    expect(problem({ TRAINPROOF_HOST: '0.0.0.0', TRAINPROOF_TLS_CERT: '/c.pem', TRAINPROOF_TLS_KEY: '/k.pem' })).toBeNull()
    expect(problem({ TRAINPROOF_HOST: '127.0.0.2' })).toBeNull()
  })

  it('requires an https issuer except on loopback, and a client id with it', () => {
    expect(problem({ TRAINPROOF_OIDC_ISSUER: 'http://idp.corp.example', TRAINPROOF_OIDC_CLIENT_ID: 'x' })).toMatch(
      /TRAINPROOF_OIDC_ISSUER: must be https/,
    )
    expect(problem({ TRAINPROOF_OIDC_ISSUER: 'http://127.0.0.1:5555', TRAINPROOF_OIDC_CLIENT_ID: 'x' })).toBeNull()
    expect(problem({ TRAINPROOF_OIDC_ISSUER: 'https://login.corp.example/tenant/v2.0' })).toMatch(/TRAINPROOF_OIDC_CLIENT_ID: required/)
    expect(problem({ TRAINPROOF_SESSION_DAYS: '0' })).toMatch(/TRAINPROOF_SESSION_DAYS/)
    expect(problem({ TRAINPROOF_OIDC_EMAIL_DOMAINS: 'corp.example, not a domain' })).toMatch(/TRAINPROOF_OIDC_EMAIL_DOMAINS/)
  })

  it('reads the OIDC settings: issuer as written, domains lower-cased, 30 session days by default', () => {
    const config = loadConfig({
      TRAINPROOF_OIDC_ISSUER: 'https://tenant.auth.example/',
      TRAINPROOF_OIDC_CLIENT_ID: 'client',
      TRAINPROOF_OIDC_EMAIL_DOMAINS: 'Corp.Example,sub.corp.example',
    })
    expect(config.oidc).toEqual({
      issuer: 'https://tenant.auth.example/',
      clientId: 'client',
      clientSecret: null,
      emailDomains: ['corp.example', 'sub.corp.example'],
      redirectUris: [],
    })
    expect(config.sessionDays).toBe(30)
  })

  it('derives the Host values of the public URL: the port as written, or the scheme default with and without it', () => {
    expect(publicHosts('https://Trainproof.Corp.Example')).toEqual(['trainproof.corp.example', 'trainproof.corp.example:443'])
    expect(publicHosts('http://trainproof.corp.example')).toEqual(['trainproof.corp.example', 'trainproof.corp.example:80'])
    expect(publicHosts('https://trainproof.corp.example:7878')).toEqual(['trainproof.corp.example:7878'])
    expect(publicHosts('https://trainproof.corp.example:443/')).toEqual(['trainproof.corp.example', 'trainproof.corp.example:443'])
  })
})

describe('the Host guard with TRAINPROOF_PUBLIC_URL', () => {
  let daemon: TestDaemon | null = null
  afterEach(async () => {
    await daemon?.stop()
    daemon = null
  })

  it('serves the public host (default port implied or written) and still refuses others', async () => {
    daemon = await startTestDaemon({ env: { TRAINPROOF_PUBLIC_URL: 'https://trainproof.corp.example' } })
    const me = `${daemon.url}/api/v1/me`
    expect((await get(me, { host: 'trainproof.corp.example' })).status).toBe(200)
    expect((await get(me, { host: 'TrainProof.corp.example:443' })).status).toBe(200)
    expect((await get(me, { host: `127.0.0.1:${daemon.port}` })).status).toBe(200)
    for (const host of ['trainproof.corp.example:8443', 'evil.example', 'trainproof.corp.example.evil.example']) {
      const answer = await get(me, { host })
      expect(answer.status).toBe(403)
      expect(JSON.parse(answer.body).error.code).toBe('forbidden_host')
    }
  })

  it('with a port in the URL, accepts that port only', async () => {
    daemon = await startTestDaemon({ env: { TRAINPROOF_PUBLIC_URL: 'https://trainproof.corp.example:7443' } })
    const me = `${daemon.url}/api/v1/me`
    expect((await get(me, { host: 'trainproof.corp.example:7443' })).status).toBe(200)
    expect((await get(me, { host: 'trainproof.corp.example' })).status).toBe(403)
  })
})
