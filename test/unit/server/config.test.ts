import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, defaultCatalogPath, loadConfig } from '../../../src/server/config';

describe('server: configuration', () => {
  it('defaults to 127.0.0.1:3417, a data dir under the working directory, and the shipped catalog', () => {
    const config = loadConfig({}, '/srv/tally');
    assert.deepEqual(config, {
      host: '127.0.0.1',
      port: 3417,
      dataDir: '/srv/tally/.tally-data',
      catalogPath: defaultCatalogPath(),
      publicUrl: 'http://127.0.0.1:3417',
      logLevel: 'warn',
      testClocks: true,
    });
    assert.equal(defaultCatalogPath(), resolve(__dirname, '../../../catalog/default.json'));
    assert.ok(existsSync(defaultCatalogPath()), 'the default catalog file exists');
  });

  it('reads every TALLY_ variable', () => {
    const config = loadConfig(
      {
        TALLY_HOST: '127.0.0.2',
        TALLY_PORT: '8080',
        TALLY_DATA_DIR: 'data',
        TALLY_CATALOG: '/etc/tally/catalog.json',
        TALLY_PUBLIC_URL: 'https://tally.example.com/',
        TALLY_LOG_LEVEL: 'INFO',
        TALLY_TEST_CLOCKS: 'OFF',
      },
      '/srv/tally',
    );
    assert.deepEqual(config, {
      host: '127.0.0.2',
      port: 8080,
      dataDir: '/srv/tally/data',
      catalogPath: '/etc/tally/catalog.json',
      publicUrl: 'https://tally.example.com',
      logLevel: 'info',
      testClocks: false,
    });
  });

  it('derives the public URL after listening when the port is 0', () => {
    assert.equal(loadConfig({ TALLY_PORT: '0' }).publicUrl, null);
  });

  it('names the variable at fault', () => {
    assert.throws(() => loadConfig({ TALLY_PORT: 'eighty' }), (error: unknown) => error instanceof ConfigError && /TALLY_PORT/.test(error.message));
    assert.throws(() => loadConfig({ TALLY_PORT: '70000' }), /TALLY_PORT/);
    assert.throws(() => loadConfig({ TALLY_PUBLIC_URL: 'ftp://x' }), /TALLY_PUBLIC_URL must use http or https/);
    assert.throws(() => loadConfig({ TALLY_PUBLIC_URL: 'https://x.example/tally' }), /without a path/);
    assert.throws(() => loadConfig({ TALLY_LOG_LEVEL: 'loud' }), /TALLY_LOG_LEVEL/);
    assert.throws(() => loadConfig({ TALLY_TEST_CLOCKS: 'yes' }), /TALLY_TEST_CLOCKS must be on or off, got "yes"/);
  });
});
