// A worker thread that runs the built CLI's main(argv) in-process for the fuzz suite: stdout and
// stderr are captured per case. The parent terminates it when a case hangs and starts another.
import { parentPort, workerData } from 'node:worker_threads';

const { main } = await import(workerData.mainUrl);
let out = '';
let err = '';
process.stdout.write = (chunk) => ((out += String(chunk)), true);
process.stderr.write = (chunk) => ((err += String(chunk)), true);

parentPort.on('message', async ({ id, argv }) => {
  out = '';
  err = '';
  let code;
  try {
    code = await main(argv);
  } catch (e) {
    code = -1;
    err += `main threw: ${e instanceof Error ? e.stack : String(e)}`;
  }
  parentPort.postMessage({ id, code, stdout: out, stderr: err });
});
parentPort.postMessage({ ready: true });
