import { resolve } from 'node:path'
import { z } from 'zod'
import { formatIssues } from '../shared/errors.ts'
import { PROVIDERS, type ProviderSettings } from './providers/registry.ts'
import type { ProviderModule } from './providers/types.ts'

const Port = z.coerce.number().int().min(0).max(65535)
const Flag = z.enum(['0', '1', 'true', 'false']).transform((value) => value === '1' || value === 'true')
const List = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
)

/** Every TRAINPROOF_* variable, validated together so one start-up error names every bad one. */
const EnvSchema = z.object({
  TRAINPROOF_HOST: z.string().min(1).default('127.0.0.1'),
  TRAINPROOF_PORT: Port.default(7878),
  TRAINPROOF_DATA_DIR: z.string().min(1).default('./data'),
  TRAINPROOF_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Extra Host header values accepted besides 127.0.0.1/localhost/[::1] with the port. */
  TRAINPROOF_ALLOWED_HOSTS: List.default([]),
  /** Web origins (besides browser extensions) that may call the API with CORS. */
  TRAINPROOF_ALLOWED_ORIGINS: List.default([]),
  /** Local time of the nightly sync, HH:MM. */
  TRAINPROOF_SYNC_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)')
    .default('02:00'),
  TRAINPROOF_SCHEDULER: Flag.default(true),
  TRAINPROOF_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** The URL employees' browsers use; its host is accepted by the Host guard. */
  TRAINPROOF_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRAINPROOF_TLS_CERT: z.string().min(1).optional(),
  TRAINPROOF_TLS_KEY: z.string().min(1).optional(),
  TRAINPROOF_OIDC_ISSUER: z
    .url({ protocol: /^https?$/ })
    .refine(
      (value) => new URL(value).protocol === 'https:' || isLoopbackHost(new URL(value).hostname),
      'must be https:// (http:// only on loopback)',
    )
    .optional(),
  TRAINPROOF_OIDC_CLIENT_ID: z.string().min(1).optional(),
  TRAINPROOF_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  TRAINPROOF_OIDC_EMAIL_DOMAINS: List.pipe(
    z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be e-mail domains like example.com')),
  ).default([]),
  /** Redirect URIs a sign-in may use besides extension identity URLs (exact match). */
  TRAINPROOF_OIDC_REDIRECT_URIS: List.pipe(z.array(z.url({ protocol: /^https?$/ }))).default([]),
  TRAINPROOF_SESSION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
})

export type Config = {
  host: string
  port: number
  dataDir: string
  adminToken: string | null
  /** Each provider's own settings by provider id, read by the provider from its TRAINPROOF_<ID>_* variables. */
  providers: ProviderSettings
  allowedHosts: string[]
  allowedOrigins: string[]
  syncAt: string
  scheduler: boolean
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  /** TRAINPROOF_PUBLIC_URL without a trailing slash, or null. */
  publicUrl: string | null
  /** PEM file paths; both set means the daemon serves HTTPS itself. */
  tls: { certFile: string; keyFile: string } | null
  oidc: OidcConfig | null
  /** Lifetime of a token issued by sign-in, in days. */
  sessionDays: number
}

export type OidcConfig = {
  issuer: string
  clientId: string
  clientSecret: string | null
  /** Lower-cased; empty = any verified e-mail. */
  emailDomains: string[]
  redirectUris: string[]
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads the configuration from the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, modules: readonly ProviderModule[] = PROVIDERS): Config {
  const relevant = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('TRAINPROOF_') && value !== ''))
  const parsed = EnvSchema.safeParse(relevant)
  const providers = modules.map((module) => [module.description.id, module.env?.safeParse(relevant)] as const)
  const issues = [parsed.error?.issues ?? [], ...providers.map(([, result]) => result?.error?.issues ?? [])].flat()
  if (!parsed.success || issues.length > 0) {
    const lines = formatIssues(issues, { depth: 1 }).map((line) => `  ${line}`)
    throw new ConfigError(`trainproof cannot start, the configuration is invalid:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const problems = crossChecks(e)
  if (problems.length > 0)
    throw new ConfigError(`trainproof cannot start, the configuration is invalid:\n${problems.map((line) => `  ${line}`).join('\n')}`)
  return {
    host: e.TRAINPROOF_HOST,
    port: e.TRAINPROOF_PORT,
    dataDir: resolve(e.TRAINPROOF_DATA_DIR),
    adminToken: e.TRAINPROOF_ADMIN_TOKEN ?? null,
    providers: Object.fromEntries(providers.map(([id, result]) => [id, result?.data])),
    allowedHosts: e.TRAINPROOF_ALLOWED_HOSTS,
    allowedOrigins: e.TRAINPROOF_ALLOWED_ORIGINS,
    syncAt: e.TRAINPROOF_SYNC_AT,
    scheduler: e.TRAINPROOF_SCHEDULER,
    logLevel: e.TRAINPROOF_LOG_LEVEL,
    publicUrl: e.TRAINPROOF_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    tls:
      e.TRAINPROOF_TLS_CERT && e.TRAINPROOF_TLS_KEY
        ? { certFile: resolve(e.TRAINPROOF_TLS_CERT), keyFile: resolve(e.TRAINPROOF_TLS_KEY) }
        : null,
    oidc:
      e.TRAINPROOF_OIDC_ISSUER && e.TRAINPROOF_OIDC_CLIENT_ID
        ? {
            // Exactly as written: it must equal the provider's `iss` (Auth0's ends with a slash).
            issuer: e.TRAINPROOF_OIDC_ISSUER,
            clientId: e.TRAINPROOF_OIDC_CLIENT_ID,
            clientSecret: e.TRAINPROOF_OIDC_CLIENT_SECRET ?? null,
            emailDomains: e.TRAINPROOF_OIDC_EMAIL_DOMAINS.map((domain) => domain.toLowerCase()),
            redirectUris: e.TRAINPROOF_OIDC_REDIRECT_URIS,
          }
        : null,
    sessionDays: e.TRAINPROOF_SESSION_DAYS,
  }
}

type Env = z.infer<typeof EnvSchema>

/** Rules between variables, reported like the per-variable ones. */
function crossChecks(e: Env): string[] {
  const problems: string[] = []
  if (Boolean(e.TRAINPROOF_TLS_CERT) !== Boolean(e.TRAINPROOF_TLS_KEY)) {
    problems.push('TRAINPROOF_TLS_CERT / TRAINPROOF_TLS_KEY: set both (PEM files) to serve HTTPS, or neither')
  }
  if (e.TRAINPROOF_OIDC_ISSUER && !e.TRAINPROOF_OIDC_CLIENT_ID)
    problems.push('TRAINPROOF_OIDC_CLIENT_ID: required when TRAINPROOF_OIDC_ISSUER is set')
  if (!e.TRAINPROOF_OIDC_ISSUER && e.TRAINPROOF_OIDC_CLIENT_ID)
    problems.push('TRAINPROOF_OIDC_ISSUER: required when TRAINPROOF_OIDC_CLIENT_ID is set')
  const behindTlsProxy = e.TRAINPROOF_PUBLIC_URL?.startsWith('https://') ?? false
  if (!isLoopbackHost(e.TRAINPROOF_HOST) && !e.TRAINPROOF_TLS_CERT && !behindTlsProxy) {
    problems.push(
      `TRAINPROOF_HOST: ${e.TRAINPROOF_HOST} is not loopback, and bearer tokens must not cross a network in clear: ` +
        'set TRAINPROOF_TLS_CERT and TRAINPROOF_TLS_KEY, or an https:// TRAINPROOF_PUBLIC_URL when a reverse proxy terminates TLS',
    )
  }
  return problems
}

/** 127.0.0.0/8, ::1 and localhost: names that never leave the machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare)
}

/**
 * The Host header values under which browsers reach TRAINPROOF_PUBLIC_URL: the host with the
 * port as written, and (for a URL without one, or with the scheme's default) with and without
 * the default port.
 */
export function publicHosts(publicUrl: string | null): string[] {
  if (publicUrl === null) return []
  const url = new URL(publicUrl)
  const host = url.hostname.toLowerCase()
  if (url.port !== '') return [`${host}:${url.port}`]
  return [host, `${host}:${url.protocol === 'https:' ? 443 : 80}`]
}
