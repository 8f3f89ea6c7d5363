// An organization member's plan belongs to the organization: instead of a checkout, the editor says
// who manages it and offers to write to that admin.
import * as vscode from 'vscode';
import type { Account } from '../protocol/api';
import { formatManagedPlan } from '../protocol/format';

const EMAIL_ADMIN = 'Email Admin';

export async function showManagedPlan(organization: Account['organization']): Promise<void> {
  const adminEmail = organization?.adminEmail ?? null;
  const picked = await vscode.window.showInformationMessage(
    formatManagedPlan(organization),
    ...(adminEmail ? [EMAIL_ADMIN] : []),
  );
  if (picked === EMAIL_ADMIN && adminEmail) {
    const subject = encodeURIComponent(`Tally plan for ${organization?.name ?? 'our organization'}`);
    await vscode.env.openExternal(vscode.Uri.parse(`mailto:${encodeURIComponent(adminEmail)}?subject=${subject}`, true));
  }
}
