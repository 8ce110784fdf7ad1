import { z } from 'zod'
import {
  AuditEvent,
  Campaign,
  Connection,
  IsoTime,
  ProviderId,
  Role,
  STAFF_ROLES,
  SyncRun,
  TRAINING_IDS,
  TrainingConfig,
  TrainingId,
} from '../../shared/domain.ts'
import { ComplianceRecord } from '../../shared/evaluator.ts'

/**
 * The db's layout on disk. Version 1 was one JSON file holding everything; version 2 splits it
 * into files by how they change (store.ts); version 3 keeps those files, gives the people file
 * tables of shared values and shorter times (codec.ts) and the tokens file a compact form of its
 * own (tokens-codec.ts, which still reads version 2's). Bump SCHEMA_VERSION and add a migration
 * (load.ts reads the old version, Store.open writes it anew) when it changes.
 */
export const SCHEMA_VERSION = 3
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
export const RecordSource = z.object({ provider: ProviderId, connectionId: z.string(), connectionLabel: z.string() })
export type RecordSource = z.infer<typeof RecordSource>

export const StoredRecord = ComplianceRecord.extend({
  connectionId: z.string().nullable(),
  /** SHA-256s of the provider's own certificates (files in the certificates folder), when it gave any. */
  certificates: z.array(z.string().regex(/^[0-9a-f]{64}$/)).default([]),
  /** Where the evidence came from, as it was at commit time. */
  source: RecordSource.nullable().default(null),
  /** SHA-256 of the evidence rows (certificates/pdf.ts evidenceDigest), fixed when the record became compliant. */
  evidenceSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .default(null),
})
export type StoredRecord = z.infer<typeof StoredRecord>

export const StoredPerson = z.object({
  email: z.string(),
  name: z.string(),
  /** Connections that listed this person at their last sync. */
  seenBy: z.array(z.string()),
  /** The provider's id of this person per connection (KnowBe4 user id, Huntress learner id), for re-checks. */
  externalIds: z.record(z.string(), z.string()).default({}),
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

/** The configuration: small, changed by admins, validated by zod on load. */
const configShape = {
  connections: z.array(StoredConnection),
  campaigns: z.array(StoredCampaign),
  trainings: z.object(Object.fromEntries(TRAINING_IDS.map((id) => [id, TrainingConfig])) as Record<TrainingId, typeof TrainingConfig>),
  syncRuns: z.array(SyncRun),
  /** The last audit id given (ids are never reused). */
  auditSeq: z.number().int().nonnegative().default(0),
  oauthStates: z.array(OAuthState),
  schedule: z.object({ lastNightlyAt: IsoTime.nullable() }),
  grants: z.array(StoredGrant).default([]),
}

export const RetrainingOf = z.partialRecord(TrainingId, Retraining)
export type RetrainingOf = z.infer<typeof RetrainingOf>

/** Schema version 1: the whole db in one JSON file (read only to migrate it). */
export const DbSchemaV1 = z.object({
  version: z.literal(1),
  ...configShape,
  tokens: z.array(StoredToken),
  people: z.record(z.string(), StoredPerson),
  /** Append-only; events of files written before ids existed get them on load. */
  audit: z.array(AuditEvent.extend({ id: z.string().regex(/^\d+$/).or(z.literal('')).default('') })),
  /**
   * e-mail → training → a reset by a recurrence rule: completions before `resetAt` no longer
   * count for that person and training, and they must have retrained by `dueAt`.
   */
  retraining: z.record(z.string(), RetrainingOf).default({}),
})
export type DbV1 = z.infer<typeof DbSchemaV1>

/**
 * The db in memory (every file of the store together): one object, as version 1 was, except that
 * tokens are a Map keyed by id and people and retraining Maps keyed by e-mail (a dictionary object of 100,000 keys costs ~50 ms
 * to list its keys, a Map iterates without materialising them). What the people file decodes to
 * may be shared between people and frozen (codec.ts): a change replaces a record or a list, never
 * edits it in place.
 */
export type Db = Omit<DbV1, 'version' | 'people' | 'retraining' | 'tokens'> & {
  version: typeof SCHEMA_VERSION
  /** Tokens by id, in the order they were added (the order `GET /tokens` lists them in). */
  tokens: Map<string, StoredToken>
  people: Map<string, StoredPerson>
  retraining: Map<string, RetrainingOf>
}

/**
 * Which files make up the committed state (store.ts explains the scheme): the generation of the
 * people file and of the tokens file, and how many bytes of the people journal, of the tokens
 * journal and of the audit log belong to it (anything after is an unfinished write, cut off on
 * load).
 */
export const Committed = z.object({
  people: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  journalBytes: z.number().int().nonnegative(),
  /** Configurations written before the tokens journal existed have none. */
  tokenJournalBytes: z.number().int().nonnegative().default(0),
  auditBytes: z.number().int().nonnegative(),
  auditEvents: z.number().int().nonnegative(),
})
export type Committed = z.infer<typeof Committed>

/** The configuration file (`trainproof.json`): the commit point of every change. */
export const ConfigFile = z.object({ version: z.literal(SCHEMA_VERSION), committed: Committed, ...configShape })
export type ConfigFile = z.infer<typeof ConfigFile>

/** A version-2 configuration: the same fields (read only to migrate it). */
export const ConfigFileV2 = ConfigFile.extend({ version: z.literal(2) })

/**
 * The tokens file as schema version 2 first wrote it (one JSON object, a token an object): still
 * read, never written (tokens-codec.ts writes the compact form).
 */
export const TokensFileV2 = z.object({ version: z.literal(2), tokens: z.array(StoredToken) })
export type TokensFileV2 = z.infer<typeof TokensFileV2>

/** One journal line: the whole entry (or its removal, null) of each person a change named. */
export const JournalLine = z.object({
  people: z.array(z.tuple([z.string(), StoredPerson.nullable(), RetrainingOf.nullable()])),
})
export type JournalLine = z.infer<typeof JournalLine>

/**
 * A tokens-journal line as first written: each token a change named, whole, or null when it was
 * removed. Still read; new lines are compact (tokens-codec.ts).
 */
export const TokenJournalLine = z.object({ tokens: z.array(z.tuple([z.string(), StoredToken.nullable()])) })
export type TokenJournalLine = z.infer<typeof TokenJournalLine>

export const StoredAuditEvent = AuditEvent.extend({ id: z.string().regex(/^\d+$/) })

/** The committed state of a store that has written nothing yet. */
export const nothingCommitted = (): Committed => ({
  people: 0,
  tokens: 0,
  journalBytes: 0,
  tokenJournalBytes: 0,
  auditBytes: 0,
  auditEvents: 0,
})

export function emptyDb(): Db {
  return {
    version: SCHEMA_VERSION,
    tokens: new Map(),
    connections: [],
    campaigns: [],
    trainings: {
      security_awareness: { id: 'security_awareness', connectionId: null, campaignIds: [] },
      hipaa: { id: 'hipaa', connectionId: null, campaignIds: [] },
      ai_awareness: { id: 'ai_awareness', connectionId: null, campaignIds: [] },
    },
    people: new Map(),
    syncRuns: [],
    audit: [],
    auditSeq: 0,
    oauthStates: [],
    schedule: { lastNightlyAt: null },
    grants: [],
    retraining: new Map(),
  }
}
