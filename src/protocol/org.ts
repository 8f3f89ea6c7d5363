// The organization admin API (org-server), for the admin console and the CLI. Admins only: any
// other signed-in account gets 403 and no data.
//   GET  /api/org/users?search=&page=     → OrgUsersPage
//   GET  /api/org/groups                  → OrgGroups
//   POST /api/org/members                 AddMemberRequest     → OrgUser
//   POST /api/org/groups                  CreateGroupRequest   → OrgGroup
//   POST /api/org/groups/:id/members      AddMemberRequest     → OrgGroup
//   POST /api/org/plan                    AssignPlanRequest    → OrgUsersPage (the users it touched)
//   POST /api/org/deactivate              DeactivateRequest    → OrgUsersPage (the users it touched)
//   PUT  /api/org/overage                 OverageSwitchRequest → OrgSettings
//   GET  /api/org/audit                   → OrgAudit (newest first)
//   POST /api/org                         CreateOrganizationRequest → OrgSettings (any signed-in account
//                                         in no organization; it becomes the first admin)
//   GET  /api/org/settings                → OrgSettings
//   GET  /api/org/caps                    → OrgCaps
//   PUT  /api/org/caps                    SetCapRequest        → OrgCaps
//   GET  /api/org/usage?month=YYYY-MM     → OrgUsage (per member, the organization's calendar month)
//   GET  /api/org/invoices                → OrgInvoices (issued months, newest first, and the month so far)
//   GET  /api/org/invoices/:id            → OrgInvoice
//   GET  /api/org/invoices/:id/pdf        → application/pdf
//   GET  /api/org/tokens                  → OrgApiTokens
//   POST /api/org/tokens                  CreateApiTokenRequest → CreatedApiToken (the secret, shown once)
//   DELETE /api/org/tokens/:id            → 204
//   POST /api/org/test-clock/advance      TestClockAdvanceRequest → OrgSettings (only with test clocks on)
// Every /api/org route takes either an admin's editor access token or an admin API token
// (`tally_org_…`) as its bearer; an API token acts as the admin who created it.
import { z } from 'zod';
import { SubscriptionStatus } from './api';
import { EmailAddress } from './email-address';

export const AddMemberRequest = z.strictObject({ email: EmailAddress });
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

export const CreateGroupRequest = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
});
export type CreateGroupRequest = z.infer<typeof CreateGroupRequest>;

const UserIds = z
  .array(z.string().min(1))
  .min(1, 'userIds must name at least one user')
  .max(1000, 'userIds must name at most 1000 users');

/** A plan for some users or for one group: exactly one of `userIds` and `groupId`. */
export const AssignPlanRequest = z
  .strictObject({
    planId: z.string().min(1, 'planId must not be empty'),
    userIds: UserIds.optional(),
    groupId: z.string().min(1).optional(),
  })
  .refine((body) => (body.userIds === undefined) !== (body.groupId === undefined), {
    message: 'send either userIds or groupId (exactly one)',
    path: ['userIds'],
  });
export type AssignPlanRequest = z.infer<typeof AssignPlanRequest>;

export const DeactivateRequest = z.strictObject({ userIds: UserIds });
export type DeactivateRequest = z.infer<typeof DeactivateRequest>;

export const OverageSwitchRequest = z.strictObject({ enabled: z.boolean() });
export type OverageSwitchRequest = z.infer<typeof OverageSwitchRequest>;

export const UsersQuery = z.object({
  search: z.string().max(200, 'search must be at most 200 characters').default(''),
  page: z.coerce.number().int('page must be a whole number').min(1, 'page starts at 1').default(1),
});

export const OrgUser = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(['admin', 'member']),
  /** pending, active or canceled (a seat is never past due); null: never subscribed. Groups have no status. */
  status: SubscriptionStatus.nullable(),
  planId: z.string().nullable(),
  scheduledChange: z.object({ planId: z.string(), effectiveAt: z.string() }).nullable(),
  /** The last credit use; null while pending or before the first use. */
  lastActiveAt: z.string().nullable(),
});
export type OrgUser = z.infer<typeof OrgUser>;

export const OrgUsersPage = z.object({
  users: z.array(OrgUser),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type OrgUsersPage = z.infer<typeof OrgUsersPage>;

export const OrgGroup = z.object({
  id: z.string(),
  name: z.string(),
  planId: z.string().nullable(),
  memberIds: z.array(z.string()),
});
export type OrgGroup = z.infer<typeof OrgGroup>;

export const OrgGroups = z.object({ groups: z.array(OrgGroup) });
export type OrgGroups = z.infer<typeof OrgGroups>;

export const OrgSettings = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  overageEnabled: z.boolean(),
  /** The organization's test clock (an ISO instant), null on the real clock; absent from older servers. */
  testClockAt: z.string().nullable().optional(),
});
export type OrgSettings = z.infer<typeof OrgSettings>;

export const OrgAuditEntry = z.object({
  actorId: z.string(),
  action: z.string(),
  target: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  at: z.string(),
});
export const OrgAudit = z.object({ entries: z.array(OrgAuditEntry) });
export type OrgAudit = z.infer<typeof OrgAudit>;

export const CreateOrganizationRequest = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
  /** An IANA zone such as Europe/Paris; the catalog's default zone when absent. */
  timeZone: z.string().min(1, 'timeZone must not be empty').optional(),
});
export type CreateOrganizationRequest = z.infer<typeof CreateOrganizationRequest>;

/** Whose overage a cap limits: the whole organization, one group's members together, or one user. */
export const CapTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('organization') }),
  z.strictObject({ kind: z.literal('group'), id: z.string().min(1, 'target.id must name a group') }),
  z.strictObject({ kind: z.literal('user'), id: z.string().min(1, 'target.id must name a user') }),
]);
export type CapTarget = z.infer<typeof CapTarget>;

/** The most overage may cost per calendar month, in cents; null removes the cap. */
export const SetCapRequest = z.strictObject({
  target: CapTarget,
  capCents: z
    .number()
    .int('capCents must be whole cents')
    .min(0, 'capCents must not be negative')
    .max(100_000_000, 'capCents must be at most 100000000 ($1,000,000)')
    .nullable(),
});
export type SetCapRequest = z.infer<typeof SetCapRequest>;

export const OrgCaps = z.object({
  organization: z.number().int().nullable(),
  groups: z.array(z.object({ id: z.string(), name: z.string(), capCents: z.number().int() })),
  users: z.array(z.object({ id: z.string(), email: z.string(), capCents: z.number().int() })),
});
export type OrgCaps = z.infer<typeof OrgCaps>;

export const UsageQuery = z.object({
  /** A calendar month in the organization's zone; the current month when absent. */
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must look like 2026-11')
    .optional(),
});

export const OrgUsageRow = z.object({
  id: z.string(),
  email: z.string(),
  planId: z.string().nullable(),
  status: SubscriptionStatus.nullable(),
  /** Hundredths of a credit used in the month, overage included. */
  creditsUsed: z.number().int(),
  overageCredits: z.number().int(),
  overageCents: z.number().int(),
});
export type OrgUsageRow = z.infer<typeof OrgUsageRow>;

export const OrgUsage = z.object({
  month: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  users: z.array(OrgUsageRow),
});
export type OrgUsage = z.infer<typeof OrgUsage>;

export const OrgInvoiceLine = z.object({
  kind: z.enum(['subscription', 'overage']),
  userId: z.string(),
  email: z.string(),
  planId: z.string().nullable(),
  description: z.string(),
  amountCents: z.number().int(),
});

export const OrgInvoice = z.object({
  /** null for the month so far (not issued yet). */
  id: z.string().nullable(),
  number: z.string().nullable(),
  month: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  status: z.enum(['draft', 'issued']),
  issuedAt: z.string().nullable(),
  totalCents: z.number().int(),
  lines: z.array(OrgInvoiceLine),
});
export type OrgInvoice = z.infer<typeof OrgInvoice>;

export const OrgInvoices = z.object({ current: OrgInvoice, issued: z.array(OrgInvoice.omit({ lines: true })) });
export type OrgInvoices = z.infer<typeof OrgInvoices>;

export const CreateApiTokenRequest = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
});
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;

export const OrgApiToken = z.object({
  id: z.string(),
  name: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type OrgApiToken = z.infer<typeof OrgApiToken>;
export const OrgApiTokens = z.object({ tokens: z.array(OrgApiToken) });
export type OrgApiTokens = z.infer<typeof OrgApiTokens>;

export const CreatedApiToken = OrgApiToken.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;
