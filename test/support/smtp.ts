// A real SMTP server on 127.0.0.1 for the email tests (the `smtp-server` library), which requires a
// login, keeps every message it accepts and parses it with `postal-mime`. The Tally server under test
// is pointed at it through its SMTP URL, exactly as an operator would configure a real one.
import { randomBytes } from 'node:crypto';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The SMTP envelope: who the client said it was sending from and to. */
  envelope: { from: string; to: string[] };
  /** The headers and bodies as a mail client would read them. */
  from: { name: string; address: string } | null;
  to: string[];
  replyTo: string[];
  subject: string;
  messageId: string;
  text: string;
  html: string | null;
  /** The message as it came over the wire. */
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  user: string;
  password: string;
  /** smtp://user:password@127.0.0.1:port: what TALLY_SMTP_URL would hold. */
  url: string;
  received: ReceivedMail[];
  /** Logins refused (a wrong password would show here). */
  failedLogins: number;
  /** Resolves once `count` messages have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export interface SmtpServerOptions {
  /** 0 (default) picks a free port; a test that restarts a server passes the old one. */
  port?: number;
  user?: string;
  password?: string;
  /** The reply to a refused login; a test can make it echo the password, as a careless server might. */
  refusal?: (attempt: { username: string; password: string }) => string;
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const user = options.user ?? 'tally-mailer';
  const password = options.password ?? `pw-${randomBytes(12).toString('hex')}`;
  const received: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  let failedLogins = 0;

  const server = new SMTPServer({
    // Plain SMTP on loopback: no STARTTLS (its built-in certificate is self-signed), so the login
    // has to be allowed without TLS, as a local relay would.
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      failedLogins++;
      return callback(
        new Error(
          options.refusal?.({ username: auth.username ?? '', password: auth.password ?? '' }) ?? 'Invalid username or password',
        ),
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        PostalMime.parse(raw).then(
          (parsed) => {
            const address = (value: false | { address: string }) => (value ? value.address : '');
            received.push({
              envelope: { from: address(session.envelope.mailFrom), to: session.envelope.rcptTo.map((to) => to.address) },
              from: parsed.from?.address !== undefined ? { name: parsed.from.name, address: parsed.from.address } : null,
              to: mailboxes(parsed.to),
              replyTo: mailboxes(parsed.replyTo),
              subject: parsed.subject ?? '',
              messageId: parsed.messageId ?? '',
              text: parsed.text ?? '',
              html: parsed.html ?? null,
              raw,
            });
            waiters.splice(0).forEach((wake) => wake());
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });

  return {
    port,
    user,
    password,
    url: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    received,
    get failedLogins() {
      return failedLogins;
    },
    async waitFor(count: number, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`the SMTP server received ${received.length} of ${count} messages in ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port where no SMTP server listens (yet): one that was free a moment ago. */
export async function unusedPort(): Promise<number> {
  const probe = await startSmtpServer();
  await probe.close();
  return probe.port;
}

function mailboxes(list: PostalMime.Address[] | undefined): string[] {
  return (list ?? []).flatMap((entry) => (entry.group ? entry.group.map((member) => member.address) : [entry.address]));
}
