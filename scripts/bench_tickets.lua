-- wrk script of the help desk benchmark (scripts/bench tickets): POST /api/v1/tickets as many
-- signed-in members, each request as the next member of the list (Cookie: sid=..., X-CSRF-Token,
-- Content-Type: application/json), so the 20-tickets-an-hour limit of each member is reached as late
-- as possible. The JSON bodies differ by thread and counter (subject, a short Markdown description,
-- category and urgency cycling).
--
-- $BENCH_TICKET_SESSIONS: "email<TAB>sid<TAB>csrf" lines (scripts/bench_tickets.py signin).
-- $BENCH_TICKET_OUT: appended at the end of each run: "run<TAB>DURATION_US", then per thread
-- "sent<TAB>N" (requests written), "status<TAB>CODE<TAB>N", and "created<TAB>ID<TAB>REF" for each 201
-- (scripts/bench_tickets.py check compares them with the rows).
--
-- Usage: wrk -t2 -c16 -d10s --latency -s scripts/bench_tickets.lua http://127.0.0.1:PORT

local sessions_file = os.getenv("BENCH_TICKET_SESSIONS") or "sessions.tsv"
local out_file = os.getenv("BENCH_TICKET_OUT") or "tickets-responses.tsv"

local categories = { "accounts-passwords", "email", "website", "hardware", "network", "software", "data-backups",
  "security", "other" }
local urgencies = { "normal", "low", "normal", "high", "normal", "blocking", "normal", "low", "high" }
local subjects = { "L'imprimante du bureau ne répond plus", "Impossible d'ouvrir la boîte de courriel partagée",
  "Le Wi-Fi coupe dans la salle de réunion", "Mot de passe oublié pour le site", "Sauvegarde de la semaine en erreur",
  "Courriel suspect reçu ce matin", "Installer LibreOffice sur le portable", "Le site affiche une erreur" }

local threads = {}
function setup(thread)
  thread:set("thread_index", #threads)
  threads[#threads + 1] = thread
end

local sessions, next_index
sent, statuses, created = 0, {}, {}

function init(args)
  sessions = {}
  local f = assert(io.open(sessions_file, "r"), "bench_tickets.lua: cannot open " .. sessions_file)
  for line in f:lines() do
    local email, sid, csrf = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
    if email then sessions[#sessions + 1] = { sid = sid, csrf = csrf } end
  end
  f:close()
  assert(#sessions > 0, "bench_tickets.lua: no session in " .. sessions_file)
  local index = tonumber(thread_index) or 0
  next_index = math.floor(index * #sessions * 0.618) % #sessions
end

function request()
  next_index = next_index % #sessions + 1
  sent = sent + 1
  local s = sessions[next_index]
  local n = sent + (tonumber(thread_index) or 0) * 7
  local subject = string.format("Banc %d-%d : %s", tonumber(thread_index) or 0, sent, subjects[n % #subjects + 1])
  local body = "Bonjour,\\n\\nDepuis ce matin, **" .. subjects[(n + 3) % #subjects + 1] ..
    "**. On a déjà essayé :\\n\\n- redémarrer l'ordinateur\\n- débrancher le modem 30 secondes\\n\\n" ..
    "Ça touche toute l'équipe et nous avons une activité jeudi. Merci d'avance,\\nBanc " .. sent .. "\\n"
  local json = string.format('{"subject":"%s","body":"%s","category":"%s","urgency":"%s"}', subject, body,
    categories[n % #categories + 1], urgencies[n % #urgencies + 1])
  return wrk.format("POST", "/api/v1/tickets",
    { ["Cookie"] = "sid=" .. s.sid, ["X-CSRF-Token"] = s.csrf, ["Content-Type"] = "application/json" }, json)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    local id = body:match('"ticket":{"id":(%d+)') or body:match('"id":(%d+)') or "?"
    local ref = body:match('"ref":"([^"]*)"') or "?"
    created[#created + 1] = id .. "\t" .. ref
  end
end

function done(summary, latency, requests)
  local f = assert(io.open(out_file, "a"), "bench_tickets.lua: cannot write " .. out_file)
  f:write("run\t", summary.duration, "\n")
  for _, t in ipairs(threads) do
    f:write("sent\t", t:get("sent"), "\n")
    for code, n in pairs(t:get("statuses")) do f:write("status\t", code, "\t", n, "\n") end
    for _, line in ipairs(t:get("created")) do f:write("created\t", line, "\n") end
  end
  f:close()
end
