// node lib/wait-ready.mjs URL SECONDS PID: waits until GET URL/healthz says the search index is ready.
// Exits 0 when ready, 1 on timeout or when process PID (the server) is gone.
const [url, seconds = '60', pid] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;
const alive = () => { if (!pid) return true; try { process.kill(Number(pid), 0); return true; } catch { return false; } };
while (Date.now() < deadline && alive()) {
  try {
    const r = await fetch(`${url}/healthz`);
    if (r.ok && (await r.json()).search === 'ready') process.exit(0);
  } catch { /* not listening yet */ }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.exit(1);
