import { normalizeEmail } from '../../../shared/domain.ts'
import { AppError } from '../../errors.ts'

export type SignInIdentity = { email: string; name: string | null }

const refused = (message: string) => new AppError('sign_in_refused', message)

/**
 * Who an ID token (already checked: signature, iss, aud, exp, nonce) may sign in as. The e-mail
 * must be verified; an ID token without the `email_verified` claim (Entra ID sends none) is
 * trusted only for a domain the configuration lists, where the organisation owns the directory.
 */
export function identityFromClaims(claims: Record<string, unknown>, allowedDomains: readonly string[]): SignInIdentity {
  const raw = claims.email
  if (typeof raw !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(raw.trim()))
    throw refused('Your identity provider did not give an e-mail address.')
  const email = normalizeEmail(raw)
  const domain = email.slice(email.lastIndexOf('@') + 1)
  const listed = allowedDomains.includes(domain)
  if (allowedDomains.length > 0 && !listed) throw refused(`Sign-in is limited to e-mail addresses at ${allowedDomains.join(', ')}.`)
  const verified = claims.email_verified
  const trusted = verified === true || verified === 'true' || (verified === undefined && listed)
  if (!trusted) throw refused('Your identity provider says this e-mail address is not verified.')
  const name = typeof claims.name === 'string' && claims.name.trim() !== '' ? claims.name.trim() : null
  return { email, name }
}
