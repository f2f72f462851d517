// Test chunk function for runStudy: the result shape of every model (rows + details).
// Row (run, subset, t, substep) has value r² + offset + t + 10·subset; run 0 is kept in detail.
export function rows(task) {
  const columns = ['run', 'subset', 'timestep', 'substep', 'value'];
  const n = task.payload.offset === undefined ? 0 : 4;
  const data = new Float64Array(task.runCount * n * columns.length);
  let o = 0;
  const details = [];
  for (let r = task.firstRun; r < task.firstRun + task.runCount; r++) {
    for (let t = 0; t < n; t++) {
      data.set([r, task.subset, t, t === 0 ? 0 : 1, r * r + task.payload.offset + t + 10 * task.subset], o);
      o += columns.length;
    }
    if (r === 0) details.push({ subset: task.subset, run: r, data: { first: true } });
  }
  return { rows: { columns, rows: task.runCount * n, data }, details };
}
