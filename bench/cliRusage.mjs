// A measurement helper of the benchmarks (not a benchmark: bench/run.ts loads only *.bench.ts).
// Runs the built CLI's main(argv) in this process, as bin/capflow does, then writes one JSON
// line as the last line on stderr: the exit code, this whole process's peak resident memory
// (MB) and CPU time (user + system, ms, every thread).
const { main } = await import(new URL('../dist/cli/main.js', import.meta.url).href);
const code = await main(process.argv.slice(2));
const usage = process.resourceUsage();
process.stderr.write(`\n${JSON.stringify({ code, peakRssMb: Math.round(usage.maxRSS / 1024), cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000) })}\n`);
process.exitCode = code;
