import { strict as assert } from 'node:assert';
import { EmailAddress, emailAddressProblem, MAX_EMAIL_LENGTH } from '../../../src/protocol/email-address';

describe('protocol: the one email address rule', () => {
  it('accepts ordinary addresses', () => {
    for (const good of ['ada@example.com', 'a.b+tag@sub.example.co.uk', `${'a'.repeat(MAX_EMAIL_LENGTH - 12)}@example.com`]) {
      assert.equal(emailAddressProblem(good), undefined, good);
      assert.ok(EmailAddress.safeParse(good).success, good);
    }
  });

  it('refuses control characters of every kind, and the Unicode line and paragraph separators', () => {
    for (const char of [
      '\u0000',
      '\u0001',
      '\t',
      '\n',
      '\r',
      '\u001F',
      '\u007F',
      '\u0080',
      '\u0085',
      '\u009F',
      '\u2028',
      '\u2029',
    ]) {
      const value = `a${char}b@example.com`;
      assert.equal(
        emailAddressProblem(value),
        'The email address must not contain control characters or line breaks.',
        JSON.stringify(value),
      );
      assert.equal(EmailAddress.safeParse(value).success, false, JSON.stringify(value));
    }
  });

  it('refuses spaces inside, a missing @, a domain without a dot, and anything over 254 characters', () => {
    const shape = 'Enter a valid email address, like name@example.com.';
    assert.equal(emailAddressProblem('a b@example.com'), shape);
    assert.equal(emailAddressProblem('a\u00A0b@example.com'), shape, 'a no-break space');
    assert.equal(emailAddressProblem('example.com'), shape);
    assert.equal(emailAddressProblem('a@@example.com'), shape);
    assert.equal(emailAddressProblem('a@localhost'), shape);
    assert.equal(
      emailAddressProblem(`${'a'.repeat(MAX_EMAIL_LENGTH - 11)}@example.com`),
      'The email address must be at most 254 characters.',
    );
    assert.equal(emailAddressProblem(''), 'Enter your email address.');
  });
});
