// The console's forms as declared schemas (src/server/organizations/console/*-form.ts): what each
// reads and the order of its refusals, which the pages rely on (one problem at a time where the page
// shows one). The words themselves are checked through the pages (org-console*.test.ts, console-*.test.ts).
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readCapForm, validateCapForm } from '../../../src/server/organizations/console/caps-form';
import { readTestClockForm, validateTestClockForm } from '../../../src/server/organizations/console/settings-form';
import {
  readCreateOrganizationForm,
  validateCreateOrganizationForm,
} from '../../../src/server/organizations/console/create-form';
import { readMemberForm, validateMemberForm } from '../../../src/server/organizations/console/member-form';
import { readDeactivateForm } from '../../../src/server/organizations/console/deactivate-form';

describe('server: the organization console forms', () => {
  it('checks a cap form target first: an unknown target says only that', () => {
    assert.deepEqual(validateCapForm(readCapForm({ target: 'team:x', amount: 'lots' })), {
      ok: false,
      errors: { target: 'Choose the organization, a group or a user.' },
    });
    assert.deepEqual(validateCapForm(readCapForm({ target: 'group:g1', amount: ' ' })), {
      ok: true,
      value: { target: { kind: 'group', id: 'g1' }, capCents: null },
    });
    assert.deepEqual(validateCapForm(readCapForm({ target: 'user:u1', amount: '$1,000.5' })), {
      ok: true,
      value: { target: { kind: 'user', id: 'u1' }, capCents: 100050 },
    });
  });

  it('checks the test clock form by its choice first, and the days only for "days"', () => {
    assert.deepEqual(validateTestClockForm(readTestClockForm({ advance: 'years', days: 'x' })), {
      ok: false,
      errors: { advance: 'Choose how far to move the test clock.' },
    });
    assert.deepEqual(validateTestClockForm(readTestClockForm({ advance: 'month-start', days: 'x' })), {
      ok: true,
      value: { advance: 'month-start' },
    });
    assert.deepEqual(validateTestClockForm(readTestClockForm({ advance: 'days', days: ' 12 ' })), {
      ok: true,
      value: { advance: 'days', days: 12 },
    });
  });

  it('reads an empty time zone as none (the default), and words a member email for its form', () => {
    assert.deepEqual(validateCreateOrganizationForm(readCreateOrganizationForm({ name: ' Acme ', timeZone: ' ' })), {
      ok: true,
      value: { name: 'Acme', timeZone: undefined },
    });
    const notAnAddress = 'Enter the email address of a member, like name@example.com.';
    for (const email of ['', 'not an address'])
      assert.deepEqual(validateMemberForm(readMemberForm({ email }), notAnAddress), {
        ok: false,
        errors: { email: notAnAddress },
      });
    assert.deepEqual(validateMemberForm(readMemberForm({ email: 'a\nb@example.com' }), notAnAddress), {
      ok: false,
      errors: { email: 'The email address must not contain control characters or line breaks.' },
    });
  });

  it('reads the carried users once each, and none from a body without them', () => {
    assert.deepEqual(readDeactivateForm({ users: 'a,,b,a' }), { userIds: ['a', 'b'] });
    assert.deepEqual(readDeactivateForm(undefined), { userIds: [] });
  });

  it('keeps route files apart: no *-routes.ts or *-api.ts of organizations imports another', () => {
    const root = path.join(__dirname, '../../../src/server/organizations');
    const routeFiles = ['api', 'console'].flatMap((folder) =>
      readdirSync(path.join(root, folder))
        .filter((name) => /-(routes|api)\.ts$/.test(name))
        .map((name) => path.join(folder, name)),
    );
    // console-routes.ts registers the tabs' routes: a registration, not a borrowed helper.
    const offenders = routeFiles
      .filter((file) => file !== path.join('console', 'console-routes.ts'))
      .flatMap((file) =>
        [...readFileSync(path.join(root, file), 'utf8').matchAll(/from '([^']*-(?:routes|api))'/g)].map(
          (match) => `${file} → ${match[1]}`,
        ),
      );
    assert.deepEqual(offenders, []);
  });
});
