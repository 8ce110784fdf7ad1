import { createAuditService } from './audit.ts'
import { createConnectionService } from './connections.ts'
import type { Deps } from './deps.ts'
import { createEvidenceService } from './evidence.ts'
import { createGrantService } from './grants.ts'
import { createOAuthService } from './oauth.ts'
import { createPeopleService } from './people.ts'
import { createTokenService } from './tokens.ts'
import { createTrainingService } from './trainings.ts'

/**
 * The daemon's use cases, between the routes and the store: only services read or change the
 * store and the vault. Routes validate, call one of these and answer with JSON.
 */
export function createServices(deps: Deps) {
  const connections = createConnectionService(deps)
  return {
    connections,
    oauth: createOAuthService(deps, connections),
    trainings: createTrainingService(deps),
    people: createPeopleService(deps),
    tokens: createTokenService(deps),
    grants: createGrantService(deps),
    audit: createAuditService(deps.store),
    evidence: createEvidenceService(deps),
    /** Syncs run by the sync service; routes start them. */
    sync: deps.sync,
    /** The provider registry, for request bodies of the OpenAPI document. */
    providers: deps.providers,
    /** Employee sign-in with the organisation's OpenID Provider; null when not configured. */
    oidc: deps.oidc,
    version: deps.version,
  }
}

export type Services = ReturnType<typeof createServices>
