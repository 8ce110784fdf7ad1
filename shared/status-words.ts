import type { Status } from './domain.ts'

/**
 * The one set of words for a training status, used by the popup, the console, the onboarding page
 * and the demo's table, so a person reads the same word wherever they look.
 */
export const STATUS_LABELS: Record<Status, string> = {
  compliant: 'Complete',
  non_compliant: 'In progress',
  not_enrolled: 'Not enrolled',
  not_configured: 'Not required',
}

/** The word for one person's training: "In progress" only once something is done, else "Not started". */
export function statusLabel(training: { status: Status; completed?: number }): string {
  if (training.status === 'non_compliant' && training.completed === 0) return 'Not started'
  return STATUS_LABELS[training.status]
}

/**
 * Providers spell campaign statuses their own way ("In Progress", "in-progress", "IN_PROGRESS");
 * shown as one form: words separated by single spaces, the first capitalised ("In progress").
 */
export function campaignStatusLabel(raw: string): string {
  const words = raw
    .trim()
    .replace(/[-_\s]+/g, ' ')
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}
