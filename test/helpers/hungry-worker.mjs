// A worker for JobRunner's tests: a job marked `big` keeps allocating until the worker's heap limit
// ends the thread; any other job answers from the worker.
export function render(job) {
  if (!job.big) return { done: 'worker' }
  const hoard = []
  for (;;) hoard.push(new Array(100_000).fill(hoard.length))
}
