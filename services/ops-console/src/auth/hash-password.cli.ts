// Prints the scrypt hash of a password for an ops-console users file: reads the password from stdin
// (never from the command line, where the shell history would keep it).
//   printf %s 'the password' | node -r @swc-node/register services/ops-console/src/auth/hash-password.cli.ts
import { hashPassword } from './local-users';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => (input += chunk));
process.stdin.on('end', () => {
  const password = input.replace(/\r?\n$/, '');
  if (password.length < 12) {
    process.stderr.write('a console password has at least 12 characters\n');
    process.exitCode = 1;
    return;
  }
  void hashPassword(password).then((hash) => process.stdout.write(`${hash}\n`));
});
