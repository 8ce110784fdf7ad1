import { z } from 'zod'

/** ISO-8601 with an offset or `Z`; Huntress serves both `+00:00` and `Z`. */
const Time = z.iso.datetime({ offset: true })
const Id = z.union([z.string().min(1), z.number().transform(String)])

const Identifier = z.object({ type: z.string(), id: Id })
/** A relationship's `data`: one identifier, or (seen in one integration) a list of them. */
const RelationshipData = z.union([Identifier, z.array(Identifier), z.null()])

export const HuntressPageMetaSchema = z.object({
  currentPage: z.number().int().positive(),
  lastPage: z.number().int().nonnegative(),
  perPage: z.number().int().positive().optional(),
  total: z.number().int().nonnegative().optional(),
})

/** A JSON:API list document whose resources parse with `resource`. */
export function huntressListSchema<R extends z.ZodType>(resource: R) {
  return z.object({
    data: z.array(resource),
    meta: z.object({ page: HuntressPageMetaSchema.optional() }).optional(),
    links: z.record(z.string(), z.string().nullable()).optional(),
  })
}

export const HuntressAccountSchema = z.object({
  type: z.string(),
  id: Id,
  attributes: z.object({
    name: z.string(),
    status: z.string().optional(),
    type: z.string().optional(),
    licenses: z.number().nullable().optional(),
    activeLearners: z.number().nullable().optional(),
  }),
})
export type HuntressAccount = z.infer<typeof HuntressAccountSchema>

export const HuntressAssignmentSchema = z.object({
  type: z.string(),
  id: Id,
  attributes: z.object({
    name: z.string(),
    /** Unknown values are tolerated: listed as not importable, never fatal. */
    status: z.string(),
    startsAt: Time.nullable().optional(),
    endsAt: Time.nullable().optional(),
  }),
})
export type HuntressAssignment = z.infer<typeof HuntressAssignmentSchema>

export const HuntressLearnerSchema = z.object({
  type: z.string(),
  id: Id,
  attributes: z.object({
    firstName: z.string().nullable().optional(),
    lastName: z.string().nullable().optional(),
    email: z.string().nullable(),
    status: z.string(),
  }),
})
export type HuntressLearner = z.infer<typeof HuntressLearnerSchema>

/** Learner id from `attributes.learnerId`, else from `relationships.learner.data` (object or list). */
export const HuntressActivitySchema = z
  .object({
    type: z.string(),
    id: Id,
    attributes: z.object({
      learnerId: Id.nullable().optional(),
      progress: z.number().nullable().optional(),
      startedAt: Time.nullable().optional(),
      completedAt: Time.nullable().optional(),
    }),
    relationships: z.object({ learner: z.object({ data: RelationshipData }).optional() }).optional(),
  })
  .transform((row, ctx) => {
    const related = row.relationships?.learner?.data
    const learnerId = row.attributes.learnerId ?? (Array.isArray(related) ? related[0]?.id : related?.id)
    if (!learnerId) {
      ctx.addIssue({ code: 'custom', message: 'no learner id', path: ['attributes', 'learnerId'] })
      return z.NEVER
    }
    return { learnerId, completedAt: row.attributes.completedAt ?? null }
  })
export type HuntressActivity = z.infer<typeof HuntressActivitySchema>

export const HuntressCertificateSchema = z.object({
  data: z.object({
    type: z.string(),
    attributes: z.object({
      learnerId: Id.optional(),
      assignmentId: Id.optional(),
      completedAt: Time.nullable().optional(),
      pdf: z.url({ protocol: /^https?$/ }),
    }),
  }),
})

/** A successful token answer (RFC 6749 §5.1) as Huntress gives it: always with a refresh token. */
export const HuntressTokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().positive().optional(),
  refresh_token: z.string().min(1),
  scope: z.string().optional(),
})
export type HuntressToken = z.infer<typeof HuntressTokenSchema>

/** An OAuth error answer (RFC 6749 §5.2). */
export const OAuthErrorSchema = z.object({
  /** RFC 6749 §5.2 charset, bounded: the code may end up in a message. */
  error: z.string().regex(/^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/),
  error_description: z.string().optional(),
})

/** What trainproof stores per connection. */
export const HuntressSettingsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  accountId: z.string().min(1),
  accountName: z.string(),
})
export type HuntressSettings = z.infer<typeof HuntressSettingsSchema>

export const HuntressSecretSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: Time,
})
export type HuntressSecret = z.infer<typeof HuntressSecretSchema>
