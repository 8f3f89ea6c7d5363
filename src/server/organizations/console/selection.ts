// The users an action is for: ticked on the Users tab (`?user=a&user=b`, a GET form), then carried
// through the next page's form as one hidden field (`users=a,b`; account ids have no commas).

const MAX_SELECTION = 1000;

/** The ticked ids from a query: one value or many, duplicates dropped. */
export function selectedUserIds(query: unknown): string[] {
  const raw = typeof query === 'object' && query !== null ? (query as Record<string, unknown>).user : undefined;
  const values = Array.isArray(raw) ? raw : [raw];
  return unique(values.filter((value): value is string => typeof value === 'string' && value !== ''));
}

/** The ids carried by a form's `users` field (its text). */
export function carriedUserIds(users: string): string[] {
  return unique(users.split(',').filter((id) => id !== ''));
}

export function carryUserIds(ids: readonly string[]): string {
  return ids.join(',');
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)].slice(0, MAX_SELECTION);
}
