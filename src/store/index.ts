// The store's public face: the interface, its records, and the embedded SQLite implementation.
export * from './store';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store';
export { DATABASE_FILE } from './sqlite/open';
