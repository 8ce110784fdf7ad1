/**
 * The public half of the key that pins the Chrome extension id, so the OAuth redirect URL
 * (`https://<id>.chromiumapp.org/<provider>`) is the same in every checkout and can be registered
 * at the provider. The private half was thrown away: the Chrome Web Store signs with its own.
 * The id is the first 32 hex chars of sha256(DER) with 0-f mapped to a-p.
 */
export const EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA7lUI3SrxURioGE6w+xLg6Ji++0h7kw8xdmTybk4Zaw2gwhUZ3sJ52iXeywUl8i49aQePFosuTjuva6evUSX0mng4HQK3L3EIOJ3zlaWlQBq/4Va5Sb8proR8b0/CsfjjQCqRLAy3hGUYOxlJUn/2jAaw8KuuoNQY82Y9zaQ7q2aQrb1n7s6yNXpLDDasQVF2oaVkK9+tvWuTQd+nSWxeHp9U+3WxEk0XgPaOGKtDHE6pFF9nu0MBHqicpiC5MB4TT1siskklNJfb6bI7TvJV+F/btC06pLAtnyC7MEefz9i6Vd4NfuT+1i4XrXqQBrubXJEjsFgC8UnY2iY+yrFXIQIDAQAB'

/** The Chrome extension id that EXTENSION_KEY gives. */
export const CHROME_EXTENSION_ID = 'obedlepadecokjhoneojjibcgdjngfda'

/** Firefox's id for the add-on (browser_specific_settings.gecko.id). */
export const GECKO_ID = 'trainproof@trainproof.dev'

/**
 * The path launchWebAuthFlow redirects to when connecting a provider: its id (Chromium intercepts
 * `https://<id>.chromiumapp.org/<path>`), so each provider's redirect URL is fixed and registrable.
 */
export const providerRedirectPath = (provider: string): string => provider
