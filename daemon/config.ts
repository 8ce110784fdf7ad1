import { resolve } from 'node:path'
import { z } from 'zod'

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
  TRAINPROOF_HUNTRESS_CLIENT_ID: z.string().min(1).optional(),
  TRAINPROOF_HUNTRESS_CLIENT_SECRET: z.string().min(1).optional(),
  TRAINPROOF_HUNTRESS_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://mycurricula.com'),
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
})

export type Config = {
  host: string
  port: number
  dataDir: string
  adminToken: string | null
  huntress: { clientId: string | null; clientSecret: string | null; baseUrl: string }
  allowedHosts: string[]
  allowedOrigins: string[]
  syncAt: string
  scheduler: boolean
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads the configuration from the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('TRAINPROOF_') && value !== ''))
  const parsed = EnvSchema.safeParse(relevant)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${String(issue.path[0])}: ${issue.message}`)
    throw new ConfigError(`trainproof cannot start, the configuration is invalid:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    host: e.TRAINPROOF_HOST,
    port: e.TRAINPROOF_PORT,
    dataDir: resolve(e.TRAINPROOF_DATA_DIR),
    adminToken: e.TRAINPROOF_ADMIN_TOKEN ?? null,
    huntress: {
      clientId: e.TRAINPROOF_HUNTRESS_CLIENT_ID ?? null,
      clientSecret: e.TRAINPROOF_HUNTRESS_CLIENT_SECRET ?? null,
      baseUrl: e.TRAINPROOF_HUNTRESS_BASE_URL.replace(/\/$/, ''),
    },
    allowedHosts: e.TRAINPROOF_ALLOWED_HOSTS,
    allowedOrigins: e.TRAINPROOF_ALLOWED_ORIGINS,
    syncAt: e.TRAINPROOF_SYNC_AT,
    scheduler: e.TRAINPROOF_SCHEDULER,
    logLevel: e.TRAINPROOF_LOG_LEVEL,
  }
}
