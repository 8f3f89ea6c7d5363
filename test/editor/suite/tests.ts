// Every in-editor test module, imported once by index.ts after mocha's globals exist.
// Add new `*.test.ts` files here: the suite is one esbuild bundle, nothing is found on disk.
import './smoke.test';
import './handoffs.test';
import './upgrade-loop.test';
import './metered.test';
import './organization.test';
