import { describe, expect, it } from 'vitest'
import { Kb4CampaignSchema, Kb4EnrollmentSchema, Kb4UserSchema, toUtcIso } from '../../../../daemon/providers/knowbe4/schemas.ts'

describe('toUtcIso', () => {
  it.each([
    ['2019-04-02T15:02:38.000Z', '2019-04-02T15:02:38.000Z'],
    ['2019-04-02T15:02:38Z', '2019-04-02T15:02:38.000Z'],
    ['2019-04-02T17:02:38.000+02:00', '2019-04-02T15:02:38.000Z'],
    ['2019-04-02T10:02:38-0500', '2019-04-02T15:02:38.000Z'],
    ['2019-04-02 15:02:38', '2019-04-02T15:02:38.000Z'],
    ['2021-03-06', '2021-03-06T00:00:00.000Z'],
    [' 2021-03-06 ', '2021-03-06T00:00:00.000Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(toUtcIso(input)).toBe(expected)
  })

  it.each(['', 'yesterday', '2021-13-45', '06/03/2021', '2021-03-06T25:00:00Z'])('refuses %j', (input) => {
    expect(toUtcIso(input)).toBeNull()
  })
})

describe('Kb4CampaignSchema', () => {
  const campaign = { campaign_id: 4261, name: 'Annual', status: 'Completed', brand_new_field: { x: 1 } }

  it.each([
    [
      'a flat array',
      [
        { name: 'One', store_purchase_id: 7 },
        { name: 'Two', policy_id: 9 },
      ],
    ],
    [
      'an array of arrays',
      [
        [
          { name: 'One', store_purchase_id: 7 },
          { name: 'Two', policy_id: 9 },
        ],
      ],
    ],
  ])('reads content given as %s', (_case, content) => {
    const actual = Kb4CampaignSchema.parse({ ...campaign, content })

    expect(actual.content?.map((item) => item.name)).toEqual(['One', 'Two'])
    expect(actual.campaign_id).toBe('4261')
    expect(actual).not.toHaveProperty('brand_new_field')
  })

  it('accepts a campaign without content or end date', () => {
    expect(Kb4CampaignSchema.parse({ ...campaign, end_date: null }).end_date).toBeNull()
  })
})

describe('Kb4EnrollmentSchema', () => {
  const row = {
    enrollment_id: 1425526,
    content_type: 'Uploaded Policy',
    module_name: 'Acceptable Use Policy',
    user: { id: 796742, first_name: 'Sarah', last_name: 'Thomas', email: 's@x.com', employee_number: 123456 },
    campaign_id: 4261,
    enrollment_date: '2019-04-02T15:02:38.000Z',
    start_date: null,
    completion_date: '2019-04-03',
    status: 'Passed',
    time_spent: 2340,
  }

  it('normalises ids to strings and times to UTC ISO', () => {
    const actual = Kb4EnrollmentSchema.parse(row)

    expect(actual).toMatchObject({ enrollment_id: '1425526', campaign_id: '4261', completion_date: '2019-04-03T00:00:00.000Z' })
    expect(actual.user).toEqual({ id: '796742', first_name: 'Sarah', last_name: 'Thomas', email: 's@x.com' })
  })

  it.each([
    ['user: null', { user: null }, true],
    ['a null e-mail', { user: { id: 1, email: null } }, true],
    ['an id given as a digit string', { enrollment_id: '12' }, true],
    ['no status', { status: undefined }, false],
    ['an id that is not a number', { enrollment_id: 'abc' }, false],
    ['a completion date that is not a date', { completion_date: 'soon' }, false],
    ['no user field at all', { user: undefined }, false],
  ])('with %s: valid is %s', (_case, change, valid) => {
    expect(Kb4EnrollmentSchema.safeParse({ ...row, ...change }).success).toBe(valid)
  })
})

describe('Kb4UserSchema', () => {
  it('tolerates legacy and unknown fields and a missing aliases list', () => {
    const actual = Kb4UserSchema.parse({ id: 1, email: 'a@b.c', adi_guid: 'x', status: 'active', custom_field_9: 1 })

    expect(actual).toEqual({ id: '1', email: 'a@b.c', status: 'active' })
  })
})
