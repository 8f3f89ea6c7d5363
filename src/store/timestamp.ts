// The one time type every store record uses: ISO-8601 UTC text, so that text order is time order.

/** An ISO-8601 UTC timestamp, e.g. "2026-11-12T09:30:00.000Z". */
export type Timestamp = string;
