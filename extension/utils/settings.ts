/**
 * The settings an organisation may set by policy (`storage.managed`, schema in
 * public/managed_schema.json): what policy sets wins over the person's own choice and is shown locked.
 */
export type ManagedSettings = {
  daemonUrl?: string
  signInRequired?: boolean
  allowTokenPaste?: boolean
  supportContact?: string
}

/** The policy's usable entries: one of the wrong type (or an empty contact) is ignored, not the whole policy. */
export function managedSettings(raw: unknown): ManagedSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {}
  const policy = raw as Record<string, unknown>
  const settings: ManagedSettings = {}
  if (typeof policy.daemonUrl === 'string') settings.daemonUrl = policy.daemonUrl
  if (typeof policy.signInRequired === 'boolean') settings.signInRequired = policy.signInRequired
  if (typeof policy.allowTokenPaste === 'boolean') settings.allowTokenPaste = policy.allowTokenPaste
  const contact = typeof policy.supportContact === 'string' ? policy.supportContact.trim() : ''
  if (contact.length >= 1 && contact.length <= 200) settings.supportContact = contact
  return settings
}

export type Settings = {
  daemonUrl: string
  /** Set by policy: the options page shows it read-only. */
  daemonUrlLocked: boolean
  signInRequired: boolean
  allowTokenPaste: boolean
  supportContact: string | null
  /** Whether any policy applies to this extension. */
  managed: boolean
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Checks a daemon address: `https://` for any host, plain `http://` only on this computer
 * (anything else would send the token in clear). Returns it without a trailing slash.
 */
export function checkDaemonUrl(input: string): string {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw new Error('Enter the daemon address as a full URL, like https://trainproof.example.com.')
  }
  if (url.username || url.password || url.search || url.hash) throw new Error('The daemon address takes no user name, query or fragment.')
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new Error('Use https:// for a daemon on another computer; plain http:// is only for one on this computer (127.0.0.1).')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('The daemon address starts with https://.')
  return url.href.replace(/\/+$/, '')
}

/** What applies: policy first, then the person's own choice. An unusable policy URL is ignored. */
export function effectiveSettings(managed: ManagedSettings, localDaemonUrl: string): Settings {
  let policyUrl: string | null = null
  if (managed.daemonUrl !== undefined) {
    try {
      policyUrl = checkDaemonUrl(managed.daemonUrl)
    } catch {
      policyUrl = null
    }
  }
  const signInRequired = managed.signInRequired ?? false
  return {
    daemonUrl: policyUrl ?? localDaemonUrl,
    daemonUrlLocked: policyUrl !== null,
    signInRequired,
    allowTokenPaste: managed.allowTokenPaste ?? !signInRequired,
    supportContact: managed.supportContact ?? null,
    managed: Object.values(managed).some((value) => value !== undefined),
  }
}

/** Reads the policy; Firefox rejects when no policies.json entry exists, which means "no policy". */
export async function readManaged(area: { get(): Promise<Record<string, unknown>> } | undefined): Promise<ManagedSettings> {
  if (area === undefined) return {}
  const raw = await area.get().catch(() => ({}))
  return managedSettings(raw)
}
