// Preloaded (`node --import`) into a CLI process the fund bench times: at exit, writes the
// process's peak resident set size (KiB; the whole process, worker threads included) to the
// file named by CAPFLOW_BENCH_PEAK_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.CAPFLOW_BENCH_PEAK_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
