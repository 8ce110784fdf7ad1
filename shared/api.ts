import { z } from 'zod'
import { STAFF_ROLES, TOKEN_VIAS } from './constants.ts'
import { Email, GraceDays, IsoTime, ProviderId, Recurrence, Role, Status, TrainingId } from './domain.ts'

/** Request and response bodies of the daemon's HTTP API v1 (spec/api.md), beyond the domain shapes. */

export { API_BASE } from './constants.ts'

export const Health = z.object({ ok: z.literal(true), version: z.string() }).meta({ id: 'Health' })

export const Me = z.object({ role: Role, email: z.string().nullable() }).meta({ id: 'Me' })
export type Me = z.infer<typeof Me>

export const CreateTokenBody = z
  .object({
    role: Role,
    email: Email.optional(),
    label: z.string().trim().max(100).optional(),
    /** Absent: the token never expires (automation). */
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict()
  .refine((body) => body.role !== 'employee' || body.email !== undefined, {
    message: 'an employee token needs an email',
    path: ['email'],
  })
  .meta({ id: 'CreateTokenBody' })
export type CreateTokenBody = z.infer<typeof CreateTokenBody>

/** POST /tokens and POST /auth/oidc/callback: the token is shown only in this answer. */
export const CreatedToken = z
  .object({ token: z.string(), id: z.string(), role: Role, email: z.string().nullable(), expiresAt: IsoTime.nullable() })
  .meta({ id: 'CreatedToken' })
export type CreatedToken = z.infer<typeof CreatedToken>

export const TokenVia = z.enum(TOKEN_VIAS)
export type TokenVia = z.infer<typeof TokenVia>

/** A live token as GET /tokens lists it: never the token or its hash. */
export const TokenInfo = z
  .object({
    id: z.string(),
    role: Role,
    email: z.string().nullable(),
    label: z.string(),
    createdAt: IsoTime,
    expiresAt: IsoTime.nullable(),
    lastUsedAt: IsoTime.nullable(),
    via: TokenVia,
  })
  .meta({ id: 'TokenInfo' })
export type TokenInfo = z.infer<typeof TokenInfo>

export const StaffRole = z.enum(STAFF_ROLES)
export type StaffRole = z.infer<typeof StaffRole>

/** An admin's grant of a staff role to an e-mail; a sign-in with that e-mail gets the role. */
export const Grant = z.object({ email: z.string(), role: StaffRole, grantedAt: IsoTime, grantedBy: z.string() }).meta({ id: 'Grant' })
export type Grant = z.infer<typeof Grant>

export const PutGrantBody = z.object({ role: StaffRole }).strict().meta({ id: 'PutGrantBody' })
export type PutGrantBody = z.infer<typeof PutGrantBody>

export const AuthMethods = z.object({ oidc: z.object({ issuer: z.string() }).nullable() }).meta({ id: 'AuthMethods' })
export type AuthMethods = z.infer<typeof AuthMethods>

export const OidcStartBody = z
  .object({ redirectUri: z.url({ protocol: /^https?$/ }).max(2048) })
  .strict()
  .meta({ id: 'OidcStartBody' })
export type OidcStartBody = z.infer<typeof OidcStartBody>

export const OidcCallbackBody = z
  .object({
    code: z.string().min(1).max(4096),
    state: z.string().min(1).max(200),
    /** The `iss` the identity provider added to the redirect (RFC 9207), when it did: checked when given. */
    iss: z.string().max(2048).optional(),
  })
  .strict()
  .meta({ id: 'OidcCallbackBody' })
export type OidcCallbackBody = z.infer<typeof OidcCallbackBody>

/** Campaign ids are opaque strings; bounded so a hostile body cannot grow the db. */
const CampaignIdList = z.array(z.string().min(1).max(200)).max(1000)

export const PutTrainingBody = z
  .object({
    connectionId: z.string().min(1).max(200).nullable(),
    campaignIds: CampaignIdList,
    /** Omitted: keep the current rule. */
    recurrence: Recurrence.optional(),
    /** Omitted: keep the current grace. */
    graceDays: GraceDays.optional(),
  })
  .strict()
  .meta({ id: 'PutTrainingBody' })
export type PutTrainingBody = z.infer<typeof PutTrainingBody>

export const ResetBody = z.object({ training: TrainingId }).strict().meta({ id: 'ResetBody' })
export type ResetBody = z.infer<typeof ResetBody>

export const PersonnelQuery = z.object({ training: TrainingId.optional(), status: Status.optional() })
export type PersonnelQuery = z.infer<typeof PersonnelQuery>

export const MeTrainingsQuery = z.object({ email: Email.optional() })

export const AuthorizeBody = z
  .object({ redirectUri: z.url().max(2048) })
  .strict()
  .meta({ id: 'AuthorizeBody' })
export const AuthorizeAnswer = z.object({ authorizeUrl: z.string(), state: z.string() }).meta({ id: 'AuthorizeAnswer' })

export const CallbackBody = z
  .object({
    code: z.string().min(1).max(4096),
    state: z.string().min(1).max(200),
    /** When the tokens see several accounts, the one to connect (from the account_choice_required error). */
    accountId: z.string().min(1).max(200).optional(),
  })
  .strict()
  .meta({ id: 'CallbackBody' })
export type CallbackBody = z.infer<typeof CallbackBody>

export const RecurrencePreviewBody = z.object({ recurrence: Recurrence }).strict().meta({ id: 'RecurrencePreviewBody' })
export type RecurrencePreviewBody = z.infer<typeof RecurrencePreviewBody>

export const RecurrencePreview = z
  .object({ resets: z.array(z.object({ email: z.string(), at: IsoTime })) })
  .meta({ id: 'RecurrencePreview' })
export type RecurrencePreview = z.infer<typeof RecurrencePreview>

/** A UTC calendar day, YYYY-MM-DD. */
export const IsoDate = z.iso.date()

export const EvidenceQuery = z.object({ from: IsoDate, to: IsoDate })
export type EvidenceQuery = z.infer<typeof EvidenceQuery>

export const ComplianceHistory = z
  .object({
    training: TrainingId,
    points: z.array(z.object({ date: IsoDate, compliant: z.number().int().nonnegative(), total: z.number().int().nonnegative() })),
  })
  .meta({ id: 'ComplianceHistory' })
export type ComplianceHistory = z.infer<typeof ComplianceHistory>

/** One field of a provider's connect form; its `name` is the `POST /connections` body property it fills. */
export const ConnectField = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/),
    label: z.string().min(1),
    type: z.enum(['text', 'secret', 'url', 'select']),
    /** For `select`: the values in order; the first is the default. */
    options: z
      .array(z.object({ value: z.string().min(1), label: z.string().min(1) }))
      .min(1)
      .optional(),
    required: z.boolean(),
    /** Shown under the field (e.g. where the token is found). */
    help: z.string().optional(),
    placeholder: z.string().optional(),
    /** Tucked under "Advanced" (an API address for tests and proxies). */
    advanced: z.boolean().optional(),
  })
  .refine((field) => (field.type === 'select') === (field.options !== undefined), 'a select has options, nothing else has')
  .meta({ id: 'ConnectField' })
export type ConnectField = z.infer<typeof ConnectField>

const HexColor = z.string().regex(/^#[0-9a-f]{6}$/i)

/**
 * How a provider presents itself (`GET /providers`): the extension renders connect forms,
 * reconnect and brand marks from it. No secrets, nothing per connection.
 */
export const ProviderDescription = z
  .object({
    id: ProviderId,
    /** "KnowBe4", "Huntress". */
    displayName: z.string().min(1),
    /** Colours for light and dark pages and a short mark for tight spaces. */
    brand: z.object({ color: HexColor, darkColor: HexColor, mark: z.string().min(1).max(4) }),
    /** Typed-in credentials (`POST /connections` with `provider` + the fields) or an OAuth sign-in. */
    connect: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('token'), fields: z.array(ConnectField).min(1), renewHelp: z.string().optional() }),
      z.object({ kind: z.literal('oauth') }),
    ]),
    /**
     * Where learners take their training: one URL, or one per value of a connect field (KnowBe4's
     * region picks its console). `/me/trainings` answers each connection's own URL.
     */
    portal: z.union([z.object({ url: z.url() }), z.object({ field: z.string(), urls: z.record(z.string(), z.url()) }), z.null()]),
  })
  .meta({ id: 'ProviderDescription' })
export type ProviderDescription = z.infer<typeof ProviderDescription>
