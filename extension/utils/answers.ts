import type {
  ConnectField as ConnectFieldType,
  CreatedToken as CreatedTokenType,
  Me as MeType,
  ProviderDescription as ProviderDescriptionType,
} from '../../shared/api.ts'
import { CONNECTION_STATUSES, PROVIDER_ID_PATTERN, ROLES, STATUSES, TRAINING_IDS } from '../../shared/constants.ts'
import type {
  Campaign as CampaignType,
  Connection as ConnectionType,
  MyTrainings as MyTrainingsType,
  Person as PersonType,
  Recurrence as RecurrenceType,
  SyncRun as SyncRunType,
  TrainingConfig as TrainingConfigType,
  TrainingStatus as TrainingStatusType,
} from '../../shared/domain.ts'
import * as g from './guard.ts'
import type { Guard } from './guard.ts'

/**
 * The extension's checks of the daemon's answers (api.md), one per shared shape. Each is declared
 * with the shared type, so a field the daemon's schema adds or tightens fails to compile here.
 */

export const Role = g.oneOf(ROLES)
export const TrainingId = g.oneOf(TRAINING_IDS)
export const ProviderId: Guard<string> = (value): value is string => typeof value === 'string' && PROVIDER_ID_PATTERN.test(value)

/** The error body as it comes over the wire: `code` an open string (a newer daemon may add codes). */
export const ErrorBody = g.object({
  error: g.object({ code: g.string, message: g.string, details: g.optional(g.dictionary(g.unknown)) }),
})

export const Me: Guard<MeType> = g.object({ role: Role, email: g.nullable(g.string) })

export const CreatedToken: Guard<CreatedTokenType> = g.object({
  token: g.string,
  id: g.string,
  role: Role,
  email: g.nullable(g.string),
  expiresAt: g.nullable(g.isoTime),
})

export const AuthorizeAnswer = g.object({ authorizeUrl: g.string, state: g.string })

export const Connection: Guard<ConnectionType> = g.object({
  id: g.string,
  provider: ProviderId,
  label: g.string,
  status: g.oneOf(CONNECTION_STATUSES),
  lastSyncAt: g.nullable(g.isoTime),
  lastError: g.nullable(g.string),
})

export const Campaign: Guard<CampaignType> = g.object({
  id: g.string,
  connectionId: g.string,
  externalId: g.string,
  name: g.string,
  status: g.string,
  importable: g.boolean,
  notImportableReason: g.nullable(g.string),
  trainings: g.array(TrainingId),
})

export const Recurrence: Guard<RecurrenceType> = g.union(
  g.object({ kind: g.literal('none') }),
  g.object({ kind: g.literal('rolling'), months: g.int(1) }),
  g.object({ kind: g.literal('fixed'), month: g.int(1, 12), day: g.int(1, 31) }),
)

export const TrainingConfig: Guard<TrainingConfigType> = g.object({
  id: TrainingId,
  connectionId: g.nullable(g.string),
  campaignIds: g.array(g.string),
  recurrence: g.optional(Recurrence),
  graceDays: g.optional(g.count),
})

export const TrainingStatus: Guard<TrainingStatusType> = g.object({
  status: g.oneOf(STATUSES),
  completed: g.count,
  required: g.count,
  compliantAt: g.nullable(g.isoTime),
  sticky: g.boolean,
  campaigns: g.array(g.object({ id: g.string, name: g.string, completed: g.boolean, completedAt: g.nullable(g.isoTime) })),
  dueAt: g.optional(g.nullable(g.isoTime)),
})

const personShape = { email: g.string, name: g.string, trainings: g.record(TRAINING_IDS, TrainingStatus) }

export const Person: Guard<PersonType> = g.object(personShape)

export const MyTrainings: Guard<MyTrainingsType> = g.object({
  ...personShape,
  due: g.count,
  provider: g.record(TRAINING_IDS, g.nullable(ProviderId)),
  portalUrl: g.record(TRAINING_IDS, g.nullable(g.string)),
  syncedAt: g.nullable(g.isoTime),
})

export const SyncRun: Guard<SyncRunType> = g.object({
  connectionId: g.string,
  ok: g.boolean,
  startedAt: g.isoTime,
  finishedAt: g.isoTime,
  requests: g.count,
  error: g.nullable(g.string),
  changes: g.optional(g.object({ newlyCompliant: g.count, newlyDue: g.count })),
})

const HEX_COLOR = /^#[0-9a-f]{6}$/i
const color: Guard<string> = (value): value is string => typeof value === 'string' && HEX_COLOR.test(value)
const nonEmpty: Guard<string> = (value): value is string => typeof value === 'string' && value.length > 0

const ConnectFieldShape = g.object({
  name: g.string,
  label: nonEmpty,
  type: g.oneOf(['text', 'secret', 'url', 'select'] as const),
  options: g.optional(g.array(g.object({ value: nonEmpty, label: nonEmpty }))),
  required: g.boolean,
  help: g.optional(g.string),
  placeholder: g.optional(g.string),
  advanced: g.optional(g.boolean),
})
export const ConnectField: Guard<ConnectFieldType> = (value): value is ConnectFieldType =>
  ConnectFieldShape(value) && (value.type === 'select') === (value.options !== undefined && value.options.length > 0)

/** How a provider describes itself (`GET /providers`): what the generic connect form and brand marks read. */
export const ProviderDescription: Guard<ProviderDescriptionType> = g.object({
  id: ProviderId,
  displayName: nonEmpty,
  brand: g.object({ color, darkColor: color, mark: nonEmpty }),
  connect: g.union(
    g.object({ kind: g.literal('token'), fields: g.array(ConnectField), renewHelp: g.optional(g.string) }),
    g.object({ kind: g.literal('oauth') }),
  ),
  portal: g.nullable(g.union(g.object({ url: g.string }), g.object({ field: g.string, urls: g.dictionary(g.string) }))),
})
