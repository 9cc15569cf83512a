// `npm run bench linear` (and `npm run bench`): the CLI timed on issue 9's linear-time inputs, the same run that ends
// `npm run fuzz` (bench/linear.js says what each input is and checks its outcome).
import linear from './linear.js';

export default function bench() {
  if (linear() > 0) process.exitCode = 1;
}
