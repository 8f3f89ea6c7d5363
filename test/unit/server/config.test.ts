import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, defaultCatalogPath, loadConfig } from '../../../src/server/platform/config';

describe('server: configuration', () => {
  it('defaults to 127.0.0.1:3417, a data dir under the working directory, and the shipped catalog', () => {
    const config = loadConfig({}, '/srv/tally');
    assert.deepEqual(config, {
      host: '127.0.0.1',
      port: 3417,
      dataDir: '/srv/tally/.tally-data',
      catalogPath: defaultCatalogPath(),
      publicUrl: 'http://127.0.0.1:3417',
      editorOrigins: [],
      logLevel: 'warn',
      testClocks: true,
      smtp: null,
      mailFrom: 'Tally Billing <billing@tally.localhost>',
      salesEmail: 'sales@tally.localhost',
      outboxPage: true,
    });
    assert.equal(defaultCatalogPath(), resolve(__dirname, '../../../catalog/default.json'));
    assert.ok(existsSync(defaultCatalogPath()), 'the default catalog file exists');
  });

  it('turns the outbox page off by default on a server others can reach', () => {
    assert.equal(loadConfig({ TALLY_HOST: '0.0.0.0' }).outboxPage, false);
    assert.equal(loadConfig({ TALLY_HOST: '192.168.1.5' }).outboxPage, false);
    assert.equal(loadConfig({ TALLY_HOST: '127.0.0.2' }).outboxPage, true);
    assert.equal(loadConfig({ TALLY_HOST: '::1' }).outboxPage, true);
    assert.equal(loadConfig({ TALLY_HOST: '0.0.0.0', TALLY_OUTBOX_PAGE: 'on' }).outboxPage, true, 'unless asked');
  });

  it('reads every TALLY_ variable', () => {
    const config = loadConfig(
      {
        TALLY_HOST: '127.0.0.2',
        TALLY_PORT: '8080',
        TALLY_DATA_DIR: 'data',
        TALLY_CATALOG: '/etc/tally/catalog.json',
        TALLY_PUBLIC_URL: 'https://tally.example.com/',
        TALLY_EDITOR_ORIGINS: 'http://127.0.0.1:8417, https://code.example.com/',
        TALLY_LOG_LEVEL: 'INFO',
        TALLY_TEST_CLOCKS: 'OFF',
        TALLY_SMTP_URL: 'smtps://mailer%40example.com:s3cr%3At@smtp.example.com:2465',
        TALLY_MAIL_FROM: 'Example Billing <billing@example.com>',
        TALLY_SALES_EMAIL: 'sales@example.com',
        TALLY_OUTBOX_PAGE: 'Off',
      },
      '/srv/tally',
    );
    assert.equal(config.smtp?.password?.reveal(), 's3cr:t', 'the password is percent-decoded');
    assert.deepEqual(config, {
      host: '127.0.0.2',
      port: 8080,
      dataDir: '/srv/tally/data',
      catalogPath: '/etc/tally/catalog.json',
      publicUrl: 'https://tally.example.com',
      editorOrigins: ['http://127.0.0.1:8417', 'https://code.example.com'],
      logLevel: 'info',
      testClocks: false,
      smtp: { secure: true, host: 'smtp.example.com', port: 2465, user: 'mailer@example.com', password: config.smtp?.password },
      mailFrom: 'Example Billing <billing@example.com>',
      salesEmail: 'sales@example.com',
      outboxPage: false,
    });
  });

  it('derives the public URL after listening when the port is 0', () => {
    assert.equal(loadConfig({ TALLY_PORT: '0' }).publicUrl, null);
  });

  it('names the variable at fault', () => {
    assert.throws(
      () => loadConfig({ TALLY_PORT: 'eighty' }),
      (error: unknown) => error instanceof ConfigError && /TALLY_PORT/.test(error.message),
    );
    assert.throws(() => loadConfig({ TALLY_PORT: '70000' }), /TALLY_PORT/);
    assert.throws(() => loadConfig({ TALLY_PUBLIC_URL: 'ftp://x' }), /TALLY_PUBLIC_URL must use http or https/);
    assert.throws(() => loadConfig({ TALLY_PUBLIC_URL: 'https://x.example/tally' }), /without a path/);
    assert.throws(() => loadConfig({ TALLY_LOG_LEVEL: 'loud' }), /TALLY_LOG_LEVEL/);
    assert.throws(() => loadConfig({ TALLY_TEST_CLOCKS: 'yes' }), /TALLY_TEST_CLOCKS must be on or off, got "yes"/);
  });

  it('reads TALLY_EDITOR_ORIGINS as canonical origins, skipping blank entries and repeats', () => {
    assert.deepEqual(
      loadConfig({
        TALLY_EDITOR_ORIGINS: ' HTTP://LocalHost:8417/ ,,http://[::1]:8417,https://code.example.com:443,http://localhost:8417',
      }).editorOrigins,
      ['http://localhost:8417', 'http://[::1]:8417', 'https://code.example.com'],
    );
    assert.deepEqual(loadConfig({ TALLY_EDITOR_ORIGINS: '  ' }).editorOrigins, []);
  });

  it('refuses a TALLY_EDITOR_ORIGINS entry that is not an origin, naming the entry', () => {
    for (const [entry, message] of [
      ['127.0.0.1:8417', /must be a URL/],
      ['localhost:8417', /must use http or https/], // no scheme: read as the scheme "localhost:"
      ['localhost', /must be a URL/],
      ['*', /must be a URL/],
      ['ftp://files.example.com', /must use http or https/],
      ['https://code.example.com/ide', /must be an origin without a path/],
      ['https://code.example.com/?x=1', /must be an origin without a path/],
      ['https://code.example.com/#x', /must be an origin without a path/],
      ['https://user@code.example.com', /must be an origin without a path, user or query/],
    ] as const) {
      assert.throws(
        () => loadConfig({ TALLY_EDITOR_ORIGINS: `http://127.0.0.1:8417,${entry}` }),
        (error: unknown) =>
          error instanceof ConfigError &&
          /^TALLY_EDITOR_ORIGINS /.test(error.message) &&
          error.message.includes(`"${entry}"`) &&
          message.test(error.message),
        entry,
      );
    }
  });

  // --- Email
  it('reads an SMTP URL with its default ports, and one without credentials', () => {
    assert.deepEqual(loadConfig({ TALLY_SMTP_URL: 'smtp://relay.internal' }).smtp, {
      secure: false,
      host: 'relay.internal',
      port: 587,
      user: null,
      password: null,
    });
    const secure = loadConfig({ TALLY_SMTP_URL: 'smtps://u:p@mail.example.com' }).smtp;
    assert.equal(secure?.port, 465);
    assert.equal(secure?.secure, true);
    assert.equal(loadConfig({ TALLY_SMTP_URL: 'smtp://127.0.0.1:2525' }).smtp?.port, 2525);
  });

  it('never prints the SMTP password: not in the config, not in an error about the URL', () => {
    const secret = 'hunter2-very-secret';
    const config = loadConfig({ TALLY_SMTP_URL: `smtp://mailer:${secret}@smtp.example.com:587` });
    assert.equal(config.smtp?.password?.reveal(), secret);
    for (const printed of [
      JSON.stringify(config),
      inspect(config, { depth: 5 }),
      String(config.smtp?.password),
      `${JSON.stringify({ smtp: config.smtp })}`,
    ]) {
      assert.doesNotMatch(printed, new RegExp(secret), 'the password does not print');
      assert.match(printed, /\[redacted\]/, 'it prints as [redacted]');
    }
    for (const bad of [
      `http://mailer:${secret}@smtp.example.com`,
      `smtp://mailer:${secret}@smtp.example.com/path`,
      `smtp://:${secret}@smtp.example.com`,
      `not a url ${secret}`,
    ]) {
      assert.throws(
        () => loadConfig({ TALLY_SMTP_URL: bad }),
        (error: unknown) =>
          error instanceof ConfigError && /^TALLY_SMTP_URL /.test(error.message) && !error.message.includes(secret),
        `refused without echoing: ${bad.replace(secret, '***')}`,
      );
    }
  });

  it('names the email variable at fault', () => {
    assert.throws(
      () => loadConfig({ TALLY_SMTP_URL: 'http://smtp.example.com' }),
      /TALLY_SMTP_URL must use smtp or smtps, not http/,
    );
    assert.throws(() => loadConfig({ TALLY_MAIL_FROM: 'billing' }), /TALLY_MAIL_FROM must be an address/);
    assert.throws(() => loadConfig({ TALLY_MAIL_FROM: 'Billing <billing@example.com' }), /TALLY_MAIL_FROM/);
    assert.throws(() => loadConfig({ TALLY_SALES_EMAIL: 'sales at example.com' }), /TALLY_SALES_EMAIL must be an address/);
    assert.throws(() => loadConfig({ TALLY_OUTBOX_PAGE: 'maybe' }), /TALLY_OUTBOX_PAGE must be on or off, got "maybe"/);
    assert.equal(loadConfig({ TALLY_MAIL_FROM: 'billing@example.com' }).mailFrom, 'billing@example.com');
  });
});
