import type { FakeAccount, FakeCampaign, FakeContent, FakeEnrollment, FakeUser, KnowBe4Tenant } from './model.ts'

/** The wire shapes of the Reporting API, built from the tenant model. */

export function renderAccount(account: FakeAccount): Record<string, unknown> {
  return {
    name: account.name,
    type: account.type,
    domains: account.domains,
    admins: [],
    ...(account.subscriptionLevel === null ? {} : { subscription_level: account.subscriptionLevel }),
    ...(account.numberOfSeats === null ? {} : { number_of_seats: account.numberOfSeats }),
    current_risk_score: 21.5,
  }
}

export function renderUser(user: FakeUser): Record<string, unknown> {
  return {
    id: user.id,
    employee_number: user.employeeNumber,
    first_name: user.firstName,
    last_name: user.lastName,
    job_title: null,
    email: user.email,
    phish_prone_percentage: 12.5,
    provisioning_managed: false,
    provisioning_guid: null,
    groups: user.groups,
    current_risk_score: 30.1,
    aliases: user.aliases,
    joined_on: '2025-01-02T08:00:00.000Z',
    last_sign_in: null,
    status: user.status,
    employee_start_date: null,
    archived_at: user.archivedAt,
    custom_date_1: null,
  }
}

function renderContent(item: FakeContent): Record<string, unknown> {
  if (item.contentType === 'Uploaded Policy') {
    return { policy_id: item.id, content_type: item.contentType, name: item.name, minimum_time: 3, published: true }
  }
  return {
    store_purchase_id: item.id,
    content_type: item.contentType,
    name: item.name,
    type: 'Training Module',
    duration: 15,
    retired: false,
    publish_date: '2025-01-02T08:00:00.000Z',
  }
}

export function renderCampaign(campaign: FakeCampaign, withPercentage: boolean): Record<string, unknown> {
  const content = campaign.content.map(renderContent)
  return {
    campaign_id: campaign.id,
    name: campaign.name,
    groups: [{ group_id: 0, name: 'All Users' }],
    status: campaign.status,
    content: campaign.nestedContent ? [content] : content,
    duration_type: campaign.endDate ? 'Specific End Date' : 'Relative Duration',
    start_date: campaign.startDate,
    end_date: campaign.endDate,
    relative_duration: campaign.endDate ? null : '2 weeks',
    auto_enroll: campaign.autoEnroll,
    allow_multiple_enrollments: campaign.allowMultipleEnrollments,
    ...(withPercentage ? { completion_percentage: campaign.completionPercentage } : {}),
  }
}

export type EnrollmentFlags = { campaignId: boolean; storePurchaseId: boolean; employeeNumber: boolean }

export function renderEnrollment(tenant: KnowBe4Tenant, row: FakeEnrollment, flags: EnrollmentFlags): Record<string, unknown> {
  const user = row.userId === null ? undefined : tenant.users.get(row.userId)
  const campaign = tenant.campaigns.get(row.campaignId)
  return {
    enrollment_id: row.id,
    content_type: row.contentType,
    module_name: row.moduleName,
    user: user
      ? {
          id: user.id,
          first_name: user.firstName,
          last_name: user.lastName,
          email: user.email,
          ...(flags.employeeNumber ? { employee_number: user.employeeNumber } : {}),
        }
      : null,
    ...(flags.campaignId ? { campaign_id: row.campaignId } : {}),
    ...(flags.storePurchaseId && row.contentType === 'Store Purchase' ? { store_purchase_id: row.contentId } : {}),
    campaign_name: campaign?.name ?? '',
    enrollment_date: row.enrollmentDate,
    start_date: row.startDate,
    completion_date: row.completionDate,
    status: row.status,
    time_spent: row.timeSpent,
    policy_acknowledged: false,
  }
}
