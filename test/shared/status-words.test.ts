import { describe, expect, it } from 'vitest'
import { campaignStatusLabel, statusLabel } from '../../shared/status-words.ts'

describe('status words', () => {
  it('says "Not started" for someone enrolled who has done nothing, "In progress" once something is done, "Not enrolled" when enrolled in nothing', () => {
    expect(statusLabel({ status: 'non_compliant', completed: 0 })).toBe('Not started')
    expect(statusLabel({ status: 'non_compliant', completed: 1 })).toBe('In progress')
    expect(statusLabel({ status: 'not_enrolled', completed: 0 })).toBe('Not enrolled')
    expect(statusLabel({ status: 'compliant', completed: 2 })).toBe('Complete')
    expect(statusLabel({ status: 'not_configured' })).toBe('Not required')
  })

  it('shows every provider spelling of a campaign status in one form', () => {
    for (const raw of ['In Progress', 'in-progress', 'In-Progress', 'IN_PROGRESS', ' in  progress '])
      expect(campaignStatusLabel(raw)).toBe('In progress')
    expect(campaignStatusLabel('Closed')).toBe('Closed')
    expect(campaignStatusLabel('')).toBe('')
  })
})
