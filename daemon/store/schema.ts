import { z } from 'zod'
import {
  AuditEvent,
  Campaign,
  Connection,
  IsoTime,
  Role,
  STAFF_ROLES,
  SyncRun,
  TRAINING_IDS,
  TrainingConfig,
  TrainingId,
} from '../../shared/domain.ts'
import { ComplianceRecord } from '../../shared/evaluator.ts'

/** The db file's layout. Bump SCHEMA_VERSION and add a migration in store.ts when it changes. */
export const SCHEMA_VERSION = 1

export const StoredToken = z.object({
  id: z.string(),
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  role: Role,
  email: z.string().nullable(),
  label: z.string(),
  createdAt: IsoTime,
  /** After this the token is refused (401); null = never. */
  expiresAt: IsoTime.nullable().default(null),
  /** Kept in memory per request and written at most every few minutes (see auth/activity.ts). */
  lastUsedAt: IsoTime.nullable().default(null),
  /** How it came to be: issued by POST /tokens, by an OIDC sign-in, or the first start's admin token. */
  via: z.enum(['issued', 'oidc', 'bootstrap']).default('issued'),
})
export type StoredToken = z.infer<typeof StoredToken>

export const StoredConnection = Connection.extend({
  createdAt: IsoTime,
  /** Non-secret provider settings (region, base URL, account). */
  settings: z.record(z.string(), z.unknown()),
  /** The provider credentials, sealed by the vault (AES-256-GCM). */
  sealed: z.string(),
})
export type StoredConnection = z.infer<typeof StoredConnection>

export const StoredCampaign = Campaign.omit({ trainings: true })
export type StoredCampaign = z.infer<typeof StoredCampaign>

/** A compliance record, with the connection it was evaluated from. */
export const StoredRecord = ComplianceRecord.extend({
  connectionId: z.string().nullable(),
  /** SHA-256s of the provider's own certificates (files in the certificates folder), when it gave any. */
  certificates: z.array(z.string().regex(/^[0-9a-f]{64}$/)).default([]),
  /** SHA-256 of the evidence rows (certificates/pdf.ts evidenceDigest), fixed when the record became compliant. */
  evidenceSha256: z.string().regex(/^[0-9a-f]{64}$/).nullable().default(null),
})
export type StoredRecord = z.infer<typeof StoredRecord>

export const StoredPerson = z.object({
  email: z.string(),
  name: z.string(),
  /** Connections that listed this person at their last sync. */
  seenBy: z.array(z.string()),
  records: z.partialRecord(TrainingId, StoredRecord),
})
export type StoredPerson = z.infer<typeof StoredPerson>

export const Retraining = z.object({ resetAt: IsoTime, dueAt: IsoTime })
export type Retraining = z.infer<typeof Retraining>

export const OAuthState = z.object({
  /** SHA-256 of the state value. */
  hash: z.string(),
  provider: z.string(),
  redirectUri: z.string(),
  /** The PKCE verifier, sealed. */
  sealedVerifier: z.string(),
  expiresAt: IsoTime,
})
export type OAuthState = z.infer<typeof OAuthState>

/** A staff role an admin granted to an e-mail: signing in with that e-mail gives that role. */
export const StoredGrant = z.object({
  email: z.string(),
  role: z.enum(STAFF_ROLES),
  grantedAt: IsoTime,
  grantedBy: z.string(),
})
export type StoredGrant = z.infer<typeof StoredGrant>

export const DbSchema = z.object({
  version: z.literal(SCHEMA_VERSION),
  tokens: z.array(StoredToken),
  connections: z.array(StoredConnection),
  campaigns: z.array(StoredCampaign),
  trainings: z.object(Object.fromEntries(TRAINING_IDS.map((id) => [id, TrainingConfig])) as Record<TrainingId, typeof TrainingConfig>),
  people: z.record(z.string(), StoredPerson),
  syncRuns: z.array(SyncRun),
  audit: z.array(AuditEvent),
  oauthStates: z.array(OAuthState),
  schedule: z.object({ lastNightlyAt: IsoTime.nullable() }),
  grants: z.array(StoredGrant).default([]),
  /**
   * e-mail → training → a reset by a recurrence rule: completions before `resetAt` no longer
   * count for that person and training, and they must have retrained by `dueAt`.
   */
  retraining: z.record(z.string(), z.partialRecord(TrainingId, Retraining)).default({}),
})
export type Db = z.infer<typeof DbSchema>

export function emptyDb(): Db {
  return {
    version: SCHEMA_VERSION,
    tokens: [],
    connections: [],
    campaigns: [],
    trainings: {
      security_awareness: { id: 'security_awareness', connectionId: null, campaignIds: [] },
      hipaa: { id: 'hipaa', connectionId: null, campaignIds: [] },
      ai_awareness: { id: 'ai_awareness', connectionId: null, campaignIds: [] },
    },
    people: {},
    syncRuns: [],
    audit: [],
    oauthStates: [],
    schedule: { lastNightlyAt: null },
    grants: [],
    retraining: {},
  }
}
