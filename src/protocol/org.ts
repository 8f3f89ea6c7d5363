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
import { z } from 'zod';
import { SubscriptionStatus } from './api';

export const AddMemberRequest = z.strictObject({ email: z.email('email must be an email address') });
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

export const CreateGroupRequest = z.strictObject({ name: z.string().trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters') });
export type CreateGroupRequest = z.infer<typeof CreateGroupRequest>;

const UserIds = z.array(z.string().min(1)).min(1, 'userIds must name at least one user').max(1000, 'userIds must name at most 1000 users');

/** A plan for some users or for one group: exactly one of `userIds` and `groupId`. */
export const AssignPlanRequest = z
  .strictObject({ planId: z.string().min(1, 'planId must not be empty'), userIds: UserIds.optional(), groupId: z.string().min(1).optional() })
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

export const OrgUsersPage = z.object({ users: z.array(OrgUser), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export type OrgUsersPage = z.infer<typeof OrgUsersPage>;

export const OrgGroup = z.object({ id: z.string(), name: z.string(), planId: z.string().nullable(), memberIds: z.array(z.string()) });
export type OrgGroup = z.infer<typeof OrgGroup>;

export const OrgGroups = z.object({ groups: z.array(OrgGroup) });
export type OrgGroups = z.infer<typeof OrgGroups>;

export const OrgSettings = z.object({ id: z.string(), name: z.string(), timeZone: z.string(), overageEnabled: z.boolean() });
export type OrgSettings = z.infer<typeof OrgSettings>;

export const OrgAuditEntry = z.object({ actorId: z.string(), action: z.string(), target: z.string(), before: z.unknown(), after: z.unknown(), at: z.string() });
export const OrgAudit = z.object({ entries: z.array(OrgAuditEntry) });
export type OrgAudit = z.infer<typeof OrgAudit>;
