// The admin API's path parameters: the `:id` of a token, a group or an invoice, checked by the route's schema.
import { z } from 'zod';

/** An :id in the path. */
export const IdParams = z.object({ id: z.string() });
