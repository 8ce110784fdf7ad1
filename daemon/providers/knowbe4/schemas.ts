import { z } from 'zod'

/** The regions KnowBe4 hosts accounts in, each with its own API and console. */
export const KNOWBE4_REGIONS = ['us', 'eu', 'ca', 'uk', 'de'] as const
export const KnowBe4Region = z.enum(KNOWBE4_REGIONS)
export type KnowBe4Region = z.infer<typeof KnowBe4Region>

const HttpUrl = z.url({ protocol: /^https?$/ })

/** Non-secret settings: the region, and a base URL that replaces the region's (tests, proxies). */
export const KnowBe4Settings = z.object({ region: KnowBe4Region, baseUrl: HttpUrl.nullish() })
export type KnowBe4Settings = z.infer<typeof KnowBe4Settings>

export const KnowBe4Secret = z.object({ apiToken: z.string().min(1) })
export type KnowBe4Secret = z.infer<typeof KnowBe4Secret>

/** `POST /connections` body for KnowBe4 (api.md); the description's fields mirror it. */
export const KnowBe4ConnectBody = z
  .object({
    provider: z.literal('knowbe4'),
    region: KnowBe4Region,
    // Sent as a bearer header: anything but visible ASCII could never be sent (it used to fail as "unreachable").
    apiToken: z
      .string()
      .trim()
      .min(1)
      .max(4096)
      .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII without spaces, as KnowBe4 shows it'),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
  })
  .strict()
  .meta({ id: 'KnowBe4ConnectBody' })
export type KnowBe4ConnectBody = z.infer<typeof KnowBe4ConnectBody>

/**
 * Zod schemas of the Reporting API answers trainproof reads. Unknown fields are dropped (the API
 * grows fields over time); ids may come as numbers or digit strings; every time becomes UTC
 * `toISOString()`, date-only values as midnight UTC.
 */

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i

/** A KnowBe4 time as UTC ISO (`…Z`), or null when it is not one. */
export function toUtcIso(value: string): string | null {
  const text = value.trim()
  let candidate: string | null = null
  if (DATE_ONLY.test(text)) candidate = `${text}T00:00:00Z`
  const match = DATE_TIME.exec(text)
  if (match) {
    const zone = (match[3] ?? 'Z').toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
    candidate = `${match[1]}T${match[2]}${zone}`
  }
  const time = candidate === null ? Number.NaN : Date.parse(candidate)
  return Number.isNaN(time) ? null : new Date(time).toISOString()
}

export const Kb4TimeSchema = z.string().transform((value, ctx) => {
  const iso = toUtcIso(value)
  if (iso === null) {
    ctx.addIssue({ code: 'custom', message: 'not a date or time' })
    return z.NEVER
  }
  return iso
})

export const Kb4IdSchema = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String)

/** The body some gateways send with a 200 instead of a 401. */
export const Kb4InvalidTokenSchema = z.strictObject({ message: z.literal('Invalid Token') })

export const Kb4AccountSchema = z.object({
  name: z.string(),
  type: z.string().nullish(),
  domains: z.array(z.string()).nullish(),
  subscription_level: z.string().nullish(),
  number_of_seats: z.number().nullish(),
})
export type Kb4Account = z.infer<typeof Kb4AccountSchema>

export const Kb4UserSchema = z.object({
  id: Kb4IdSchema,
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  aliases: z.array(z.string()).nullish(),
  status: z.string().nullish(),
})
export type Kb4User = z.infer<typeof Kb4UserSchema>

const Kb4ContentItemSchema = z.object({
  name: z.string().nullish(),
  content_type: z.string().nullish(),
  store_purchase_id: Kb4IdSchema.nullish(),
  policy_id: Kb4IdSchema.nullish(),
})

/** `content` is documented as an array of arrays and served as a flat array: accept both. */
const Kb4ContentSchema = z.array(z.union([Kb4ContentItemSchema, z.array(Kb4ContentItemSchema)])).transform((items) => items.flat())

export const Kb4CampaignSchema = z.object({
  campaign_id: Kb4IdSchema,
  name: z.string(),
  status: z.string(),
  content: Kb4ContentSchema.nullish(),
  start_date: Kb4TimeSchema.nullish(),
  end_date: Kb4TimeSchema.nullish(),
})
export type Kb4Campaign = z.infer<typeof Kb4CampaignSchema>

export const Kb4EnrollmentSchema = z.object({
  enrollment_id: Kb4IdSchema,
  content_type: z.string().nullish(),
  module_name: z.string().nullish(),
  store_purchase_id: Kb4IdSchema.nullish(),
  /** Not documented on enrollment rows; used when a row carries it. */
  policy_id: Kb4IdSchema.nullish(),
  user: z
    .object({
      id: Kb4IdSchema,
      first_name: z.string().nullish(),
      last_name: z.string().nullish(),
      email: z.string().nullish(),
    })
    .nullable(),
  campaign_id: Kb4IdSchema.nullish(),
  campaign_name: z.string().nullish(),
  enrollment_date: Kb4TimeSchema.nullish(),
  start_date: Kb4TimeSchema.nullish(),
  completion_date: Kb4TimeSchema.nullish(),
  status: z.string(),
})
export type Kb4Enrollment = z.infer<typeof Kb4EnrollmentSchema>

/** Cursor mode's envelope; `nextCursor` is accepted too, as one client spells it. */
export function cursorPageSchema<T extends z.ZodType>(row: T) {
  const Cursor = z.union([z.string(), z.number()]).transform(String).nullish()
  return z.object({
    data: z.array(row),
    pagination: z.object({ next_cursor: Cursor, nextCursor: Cursor }).nullish(),
  })
}
