import { z } from 'zod'
import { CONNECTION_STATUSES, PROVIDER_ID_PATTERN, ROLES, STATUSES, TRAINING_IDS } from './constants.ts'

export {
  CONNECTION_STATUSES,
  DEFAULT_GRACE_DAYS,
  normalizeEmail,
  PROVIDER_ID_PATTERN,
  ROLES,
  STAFF_ROLES,
  STATUSES,
  TRAINING_IDS,
  TRAINING_NAMES,
  WRITE_ROLES,
} from './constants.ts'

export const TrainingId = z.enum(TRAINING_IDS)
export type TrainingId = z.infer<typeof TrainingId>

/** A provider id: which providers exist is the daemon's registry's business (`GET /providers`). */
export const ProviderId = z.string().regex(PROVIDER_ID_PATTERN)
export type ProviderId = z.infer<typeof ProviderId>

export const Role = z.enum(ROLES)
export type Role = z.infer<typeof Role>

export const Status = z.enum(STATUSES)
export type Status = z.infer<typeof Status>

export const ConnectionStatus = z.enum(CONNECTION_STATUSES)
export type ConnectionStatus = z.infer<typeof ConnectionStatus>

export const Email = z
  .string()
  .trim()
  .max(320)
  .email()
  .transform((value) => value.toLowerCase())

export const IsoTime = z.iso.datetime({ offset: true })

export const Connection = z
  .object({
    id: z.string(),
    provider: ProviderId,
    label: z.string(),
    status: ConnectionStatus,
    lastSyncAt: IsoTime.nullable(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'Connection' })
export type Connection = z.infer<typeof Connection>

export const Campaign = z
  .object({
    id: z.string().describe('opaque, unique across connections'),
    connectionId: z.string(),
    externalId: z.string(),
    name: z.string(),
    status: z.string().describe('provider-native status, e.g. "In Progress", "Closed", "Draft"'),
    importable: z.boolean(),
    notImportableReason: z.string().nullable(),
    trainings: z.array(TrainingId),
  })
  .meta({ id: 'Campaign' })
export type Campaign = z.infer<typeof Campaign>

/** Days in each month of a non-leap year: a fixed recurrence date never falls on Feb 29. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

/** When compliance expires and a person must retrain (annual retraining). */
export const Recurrence = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('none') }).strict(),
    z.object({ kind: z.literal('rolling'), months: z.number().int().min(1).max(120) }).strict(),
    z
      .object({ kind: z.literal('fixed'), month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) })
      .strict()
      .refine((rule) => rule.day <= (MONTH_DAYS[rule.month - 1] ?? 0), {
        message: 'day does not exist in that month (Feb 29 is not allowed)',
        path: ['day'],
      }),
  ])
  .meta({ id: 'Recurrence' })
export type Recurrence = z.infer<typeof Recurrence>

export const GraceDays = z.number().int().min(0).max(365)

export const TrainingConfig = z
  .object({
    id: TrainingId,
    connectionId: z.string().nullable(),
    campaignIds: z.array(z.string()),
    /** Absent = { kind: 'none' }. */
    recurrence: Recurrence.optional(),
    /** Days a person reset by recurrence has before they are due (default 30). */
    graceDays: GraceDays.optional(),
  })
  .meta({ id: 'TrainingConfig' })
export type TrainingConfig = z.infer<typeof TrainingConfig>

export const CampaignProgress = z.object({
  id: z.string(),
  name: z.string(),
  completed: z.boolean(),
  completedAt: IsoTime.nullable(),
})
export type CampaignProgress = z.infer<typeof CampaignProgress>

export const TrainingStatus = z
  .object({
    status: Status,
    completed: z.number().int().nonnegative(),
    required: z.number().int().nonnegative(),
    compliantAt: IsoTime.nullable(),
    sticky: z.boolean(),
    campaigns: z.array(CampaignProgress),
    /** When a person reset by a recurrence rule must have retrained (null otherwise). */
    dueAt: IsoTime.nullable().optional(),
  })
  .meta({ id: 'TrainingStatus' })
export type TrainingStatus = z.infer<typeof TrainingStatus>

export const Person = z
  .object({
    email: z.string(),
    name: z.string(),
    trainings: z.record(TrainingId, TrainingStatus),
  })
  .meta({ id: 'Person' })
export type Person = z.infer<typeof Person>

export const TrainingProvider = z.record(TrainingId, ProviderId.nullable())

export const MyTrainings = Person.extend({
  due: z.number().int().nonnegative(),
  provider: TrainingProvider,
  /** Where each training is taken: the provider's learner portal, when known. */
  portalUrl: z.record(TrainingId, z.string().nullable()),
  /** When the data behind these statuses was last synced (null: never). */
  syncedAt: IsoTime.nullable(),
}).meta({ id: 'MyTrainings' })
export type MyTrainings = z.infer<typeof MyTrainings>

export const SyncRun = z
  .object({
    connectionId: z.string(),
    ok: z.boolean(),
    startedAt: IsoTime,
    finishedAt: IsoTime,
    requests: z.number().int().nonnegative().describe('HTTP requests made to the provider'),
    error: z.string().nullable(),
    changes: z
      .object({
        newlyCompliant: z.number().int().nonnegative().describe('people who became compliant for a training in this sync'),
        newlyDue: z.number().int().nonnegative().describe('people new to trainproof with a training due after this sync'),
      })
      .optional()
      .describe('what the sync changed (successful syncs only)'),
  })
  .meta({ id: 'SyncRun' })
export type SyncRun = z.infer<typeof SyncRun>

export const AuditEvent = z
  .object({
    id: z.string().describe('unique, never reused; ids of later events sort after earlier ones'),
    at: IsoTime,
    actor: z.string(),
    action: z.string(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' })
export type AuditEvent = z.infer<typeof AuditEvent>

/**
 * One row of provider evidence, normalised: a person's enrollment in one module (content item)
 * of one campaign. KnowBe4 gives one per user × module × re-enrolment; Huntress one per learner
 * and assignment.
 */
export const Enrollment = z.object({
  enrollmentId: z.string(),
  campaignId: z.string(),
  email: z.string(),
  /** A stable key of the module: two content items with the same name are two modules. */
  module: z.string(),
  /** The module's name for people (default: the key). */
  moduleName: z.string().optional(),
  /** UTC (`…Z`), so that string order is time order. */
  completedAt: z.iso.datetime().nullable(),
})
export type Enrollment = z.infer<typeof Enrollment>

/**
 * What a stored compliance record keeps as proof: the rows that made a campaign complete, with
 * the names they had at the time (certificates and the evidence pack never look them up again).
 */
export const Evidence = z
  .object({
    campaignId: z.string(),
    campaignName: z.string().default(''),
    /** A stable module key (the provider's content id where it gives one, else the name). */
    module: z.string(),
    /** The module's name as the provider showed it (records written before it existed: the key). */
    moduleName: z.string().optional(),
    /** The provider's enrollment or activity id. */
    enrollmentId: z.string(),
    completedAt: IsoTime,
  })
  .transform((row) => ({ ...row, moduleName: row.moduleName ?? row.module }))
export type Evidence = z.infer<typeof Evidence>
